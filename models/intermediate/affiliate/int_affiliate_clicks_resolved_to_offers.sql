with

message_events as (
    select * from {{ ref('stg_raw__message_events') }}
),

messages as (
    select * from {{ ref('stg_raw__messages') }}
),

creatives as (
    select * from {{ ref('stg_raw__creatives') }}
),

offers as (
    select * from {{ ref('stg_raw__offers') }}
),

clicked_events_ranked as (
    select
        workspace_id,
        event_id,
        message_id,
        click_id,
        occurred_at,
        -- SPEC §5: a click_id carried by several clicked events resolves to the earliest
        row_number() over (
            partition by workspace_id, click_id
            order by occurred_at, event_id
        ) as click_rank
    from message_events
    where
        event_type = 'clicked'
        and click_id is not null
),

first_clicks as (
    select
        workspace_id,
        click_id,
        event_id as click_event_id,
        message_id,
        occurred_at as clicked_at
    from clicked_events_ranked
    where click_rank = 1
),

clicks_with_messages as (
    select
        first_clicks.workspace_id,
        first_clicks.click_id,
        first_clicks.click_event_id,
        first_clicks.message_id,
        messages.contact_id,
        messages.campaign_id,
        messages.flow_id,
        messages.agent_id,
        messages.creative_id,
        messages.offer_id as message_offer_id,
        creatives.offer_id as creative_offer_id,
        messages.source_type,
        messages.channel,
        first_clicks.clicked_at
    from first_clicks
    inner join messages
        on
            first_clicks.workspace_id = messages.workspace_id
            and first_clicks.message_id = messages.message_id
    left join creatives
        on
            messages.workspace_id = creatives.workspace_id
            and messages.creative_id = creatives.creative_id
),

clicks_with_offers as (
    select
        clicks_with_messages.workspace_id,
        clicks_with_messages.click_id,
        clicks_with_messages.click_event_id,
        clicks_with_messages.message_id,
        clicks_with_messages.contact_id,
        case clicks_with_messages.source_type
            when 'campaign' then clicks_with_messages.campaign_id
            when 'flow' then clicks_with_messages.flow_id
            when 'helpdesk' then clicks_with_messages.agent_id
        end as source_id,
        clicks_with_messages.campaign_id,
        clicks_with_messages.flow_id,
        clicks_with_messages.agent_id,
        clicks_with_messages.creative_id,
        -- SPEC §5: the message's offer, else its creative's offer
        coalesce(
            clicks_with_messages.message_offer_id,
            clicks_with_messages.creative_offer_id
        ) as offer_id,
        clicks_with_messages.source_type,
        clicks_with_messages.channel,
        case
            when clicks_with_messages.message_offer_id is not null then 'message'
            when clicks_with_messages.creative_offer_id is not null then 'creative'
        end as offer_source,
        offers.attribution_window_hours as offer_window_hours,
        clicks_with_messages.clicked_at
    from clicks_with_messages
    left join offers
        on
            clicks_with_messages.workspace_id = offers.workspace_id
            and coalesce(
                clicks_with_messages.message_offer_id,
                clicks_with_messages.creative_offer_id
            ) = offers.offer_id
),

clicks_with_windows as (
    select
        workspace_id,
        click_id,
        click_event_id,
        message_id,
        contact_id,
        source_id,
        campaign_id,
        flow_id,
        agent_id,
        creative_id,
        offer_id,
        source_type,
        channel,
        offer_source,
        -- SPEC §5: no (known) offer: the default window, 168 hours
        case
            when offer_window_hours is not null then 'offer'
            else 'default'
        end as window_source,
        coalesce(
            offer_window_hours,
            {{ var('default_offer_window_hours', 168) }}
        ) as attribution_window_hours,
        clicked_at
    from clicks_with_offers
)

select * from clicks_with_windows
