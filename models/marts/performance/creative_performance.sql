with

creatives as (
    select * from {{ ref('stg_raw__creatives') }}
),

affiliate_messages as (
    select * from {{ ref('int_affiliate_messages') }}
),

affiliate_conversions as (
    select * from {{ ref('fct_affiliate_conversions') }}
),

sends_per_creative as (
    select
        workspace_id,
        creative_id,
        count(*) as sends,
        sum(clicks) as clicks
    from affiliate_messages
    where creative_id is not null
    group by
        workspace_id,
        creative_id
),

conversions_per_creative as (
    select
        workspace_id,
        creative_id,
        count(*) as conversions,
        sum(revenue) as revenue
    from affiliate_conversions
    -- docs/attribution.md#affiliate-conversions: only attributed conversions credit the creative
    where
        is_attributed
        and creative_id is not null
    group by
        workspace_id,
        creative_id
),

creative_ids as (
    -- a creative id that messages name but no staged creative row describes still gets its row,
    -- so the totals reconcile with fct_affiliate_conversions
    select
        workspace_id,
        creative_id
    from creatives
    union distinct
    select
        workspace_id,
        creative_id
    from sends_per_creative
    union distinct
    select
        workspace_id,
        creative_id
    from conversions_per_creative
),

creatives_with_totals as (
    select
        creative_ids.workspace_id,
        creative_ids.creative_id,
        creatives.offer_id,
        creatives.creative_name,
        coalesce(sends_per_creative.sends, 0) as sends,
        coalesce(sends_per_creative.clicks, 0) as clicks,
        coalesce(conversions_per_creative.conversions, 0) as conversions,
        cast(coalesce(conversions_per_creative.revenue, 0) as decimal(18, 2)) as revenue,
        creatives.creative_id is not null as is_known_creative
    from creative_ids
    left join creatives
        on
            creative_ids.workspace_id = creatives.workspace_id
            and creative_ids.creative_id = creatives.creative_id
    left join sends_per_creative
        on
            creative_ids.workspace_id = sends_per_creative.workspace_id
            and creative_ids.creative_id = sends_per_creative.creative_id
    left join conversions_per_creative
        on
            creative_ids.workspace_id = conversions_per_creative.workspace_id
            and creative_ids.creative_id = conversions_per_creative.creative_id
),

creatives_with_ratios as (
    select
        workspace_id,
        creative_id,
        offer_id,
        creative_name,
        sends,
        clicks,
        conversions,
        revenue,
        -- docs/attribution.md#ratios: a ratio is null when its denominator is 0
        {{ safe_divide('revenue', 'clicks') }} as epc,
        {{ safe_divide('conversions', 'clicks') }} as conversion_rate,
        {{ safe_divide('revenue', 'sends') }} as revenue_per_send,
        is_known_creative
    from creatives_with_totals
)

select * from creatives_with_ratios
