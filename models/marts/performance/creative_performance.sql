with

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

sends_per_creative as (
    select
        messages.workspace_id,
        messages.creative_id,
        count(*) as sends,
        coalesce(sum(clicked_events_per_message.clicks), 0) as clicks
    from messages
    left join clicked_events_per_message
        on
            messages.workspace_id = clicked_events_per_message.workspace_id
            and messages.message_id = clicked_events_per_message.message_id
    where messages.creative_id is not null
    group by
        messages.workspace_id,
        messages.creative_id
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
