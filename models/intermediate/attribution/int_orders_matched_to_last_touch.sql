with

order_contacts as (
    select * from {{ ref('int_orders_stitched_to_contacts') }}
),

order_settings as (
    select * from {{ ref('int_orders_matched_to_settings') }}
),

-- the contacts stitched to some order: another contact's touches can never match, so
-- their messages are left out before the events join (exact, and most messages go)
ordering_contacts as (
    select distinct
        workspace_id,
        contact_id
    from order_contacts
),

messages as (
    select * from {{ ref('stg_raw__messages') }}
    where (workspace_id, contact_id) in (
        select
            ordering_contacts.workspace_id,
            ordering_contacts.contact_id
        from ordering_contacts
    )
),

message_events as (
    select * from {{ ref('stg_raw__message_events') }}
),

touches as (
    select
        message_events.workspace_id,
        message_events.event_id,
        message_events.message_id,
        messages.contact_id,
        message_events.event_type,
        messages.source_type,
        messages.campaign_id,
        messages.flow_id,
        messages.channel,
        message_events.occurred_at
    from message_events
    -- docs/attribution.md#last-touch: only campaign and flow messages touch; helpdesk messages never do
    inner join messages
        on
            message_events.workspace_id = messages.workspace_id
            and message_events.message_id = messages.message_id
    -- docs/attribution.md#last-touch: only events of the types in var('touch_event_types') are touches
    where
        message_events.event_type in {{ attribution_var_values('touch_event_types') }}
        and messages.source_type in ('campaign', 'flow')
),

latest_touches as (
    {{ last_touch(
        'order_contacts',
        'touches',
        touch_columns=['message_id', 'event_type', 'source_type', 'campaign_id', 'flow_id', 'channel']
    ) }}
),

final as (
    select
        latest_touches.workspace_id,
        latest_touches.order_id,
        latest_touches.contact_id,
        latest_touches.event_id,
        latest_touches.message_id,
        latest_touches.event_type,
        latest_touches.source_type,
        latest_touches.campaign_id,
        latest_touches.flow_id,
        latest_touches.channel,
        order_settings.window_days,
        -- docs/attribution.md#last-touch: created_at - window <= occurred_at, inclusive (the latest touch is
        -- in the window or no touch is); applied after the search, as the ASOF join asks
        latest_touches.touch_at >= order_settings.window_starts_at as is_within_window,
        latest_touches.touch_at,
        order_settings.window_starts_at,
        order_settings.created_at
    from latest_touches
    inner join order_settings
        on
            latest_touches.workspace_id = order_settings.workspace_id
            and latest_touches.order_id = order_settings.order_id
)

select * from final
