with

offers as (
    select * from {{ ref('stg_raw__offers') }}
),

creatives as (
    select * from {{ ref('stg_raw__creatives') }}
),

messages as (
    select * from {{ ref('stg_raw__messages') }}
),

message_events as (
    select * from {{ ref('stg_raw__message_events') }}
),

affiliate_conversions as (
    select * from {{ ref('fct_affiliate_conversions') }}
),

messages_with_offers as (
    select
        messages.workspace_id,
        messages.message_id,
        -- docs/attribution.md#affiliate-conversions: the message's offer, else its creative's offer
        coalesce(messages.offer_id, creatives.offer_id) as offer_id
    from messages
    left join creatives
        on
            messages.workspace_id = creatives.workspace_id
            and messages.creative_id = creatives.creative_id
    where coalesce(messages.offer_id, creatives.offer_id) is not null
),

clicked_events_per_message as (
    select
        workspace_id,
        message_id,
        count(*) as clicks
    from message_events
    -- docs/attribution.md#affiliate-conversions: affiliate clicks are the `clicked` events (they carry the click_id)
    where event_type = 'clicked'
    group by
        workspace_id,
        message_id
),

sends_per_offer as (
    select
        messages_with_offers.workspace_id,
        messages_with_offers.offer_id,
        count(*) as sends,
        coalesce(sum(clicked_events_per_message.clicks), 0) as clicks
    from messages_with_offers
    left join clicked_events_per_message
        on
            messages_with_offers.workspace_id = clicked_events_per_message.workspace_id
            and messages_with_offers.message_id = clicked_events_per_message.message_id
    group by
        messages_with_offers.workspace_id,
        messages_with_offers.offer_id
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
