with

offers as (
    select * from {{ ref('stg_raw__offers') }}
),

affiliate_messages as (
    select * from {{ ref('int_affiliate_messages') }}
),

affiliate_conversions as (
    select * from {{ ref('fct_affiliate_conversions') }}
),

sends_per_offer as (
    select
        workspace_id,
        offer_id,
        count(*) as sends,
        sum(clicks) as clicks
    from affiliate_messages
    where offer_id is not null
    group by
        workspace_id,
        offer_id
),

conversions_per_offer as (
    select
        workspace_id,
        offer_id,
        count(*) as conversions,
        sum(revenue) as revenue
    from affiliate_conversions
    -- docs/attribution.md#affiliate-conversions: only attributed conversions credit the offer
    where
        is_attributed
        and offer_id is not null
    group by
        workspace_id,
        offer_id
),

offer_ids as (
    -- an offer id that messages or creatives name but no staged offer row describes still gets its row,
    -- so the totals reconcile with fct_affiliate_conversions
    select
        workspace_id,
        offer_id
    from offers
    union distinct
    select
        workspace_id,
        offer_id
    from sends_per_offer
    union distinct
    select
        workspace_id,
        offer_id
    from conversions_per_offer
),

offers_with_totals as (
    select
        offer_ids.workspace_id,
        offer_ids.offer_id,
        offers.offer_name,
        offers.network,
        offers.attribution_window_hours,
        coalesce(sends_per_offer.sends, 0) as sends,
        coalesce(sends_per_offer.clicks, 0) as clicks,
        coalesce(conversions_per_offer.conversions, 0) as conversions,
        cast(coalesce(conversions_per_offer.revenue, 0) as decimal(18, 2)) as revenue,
        offers.offer_id is not null as is_known_offer
    from offer_ids
    left join offers
        on
            offer_ids.workspace_id = offers.workspace_id
            and offer_ids.offer_id = offers.offer_id
    left join sends_per_offer
        on
            offer_ids.workspace_id = sends_per_offer.workspace_id
            and offer_ids.offer_id = sends_per_offer.offer_id
    left join conversions_per_offer
        on
            offer_ids.workspace_id = conversions_per_offer.workspace_id
            and offer_ids.offer_id = conversions_per_offer.offer_id
),

offers_with_ratios as (
    select
        workspace_id,
        offer_id,
        offer_name,
        network,
        attribution_window_hours,
        sends,
        clicks,
        conversions,
        revenue,
        -- docs/attribution.md#ratios: a ratio is null when its denominator is 0
        {{ safe_divide('revenue', 'clicks') }} as epc,
        {{ safe_divide('conversions', 'clicks') }} as conversion_rate,
        {{ safe_divide('revenue', 'sends') }} as revenue_per_send,
        is_known_offer
    from offers_with_totals
)

select * from offers_with_ratios
