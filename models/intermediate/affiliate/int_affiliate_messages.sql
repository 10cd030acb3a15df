-- docs/attribution.md#offer-and-creative-performance: the messages an offer or creative is
-- credited with (the message's offer, else its creative's) and their `clicked` events
with

messages as (
    select * from {{ ref('stg_raw__messages') }}
),

creatives as (
    select * from {{ ref('stg_raw__creatives') }}
),

message_events as (
    select * from {{ ref('stg_raw__message_events') }}
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

messages_with_offers as (
    select
        messages.workspace_id,
        messages.message_id,
        messages.creative_id,
        coalesce(messages.offer_id, creatives.offer_id) as offer_id,
        messages.sent_date,
        coalesce(clicked_events_per_message.clicks, 0) as clicks
    from messages
    left join creatives
        on
            messages.workspace_id = creatives.workspace_id
            and messages.creative_id = creatives.creative_id
    left join clicked_events_per_message
        on
            messages.workspace_id = clicked_events_per_message.workspace_id
            and messages.message_id = clicked_events_per_message.message_id
    where messages.creative_id is not null or coalesce(messages.offer_id, creatives.offer_id) is not null
)

select * from messages_with_offers
