-- docs/attribution.md#last-touch: every touch of a contact stitched to an order: events of a
-- type in var('touch_event_types') on campaign or flow messages (helpdesk messages never
-- touch). Read by last touch and by the multi-touch paths: one definition, one scan of the events.
with

ordering_contacts as (
    select distinct
        workspace_id,
        contact_id
    from {{ ref('int_orders_stitched_to_contacts') }}
),

messages as (
    select
        workspace_id,
        message_id,
        contact_id,
        source_type,
        campaign_id,
        flow_id,
        channel
    from {{ ref('stg_raw__messages') }}
    where
        source_type in ('campaign', 'flow')
        -- other contacts' messages go before the events join: exact, and most messages go
        and (workspace_id, contact_id) in (
            select
                ordering_contacts.workspace_id,
                ordering_contacts.contact_id
            from ordering_contacts
        )
),

message_events as (
    select
        workspace_id,
        event_id,
        message_id,
        event_type,
        occurred_at
    from {{ ref('stg_raw__message_events') }}
    where event_type in {{ attribution_var_values('touch_event_types') }}
),

final as (
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
    inner join messages
        on
            message_events.workspace_id = messages.workspace_id
            and message_events.message_id = messages.message_id
)

select * from final
