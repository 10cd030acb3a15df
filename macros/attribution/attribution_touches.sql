{#- docs/attribution.md#last-touch: the touches of the contacts in `order_contacts`: events of
    a type in var('touch_event_types') on campaign or flow messages (helpdesk messages never
    touch). Other contacts' messages are left out before the events join: exact, and most
    messages go. Shared by last touch and the multi-touch paths, so both read one definition. -#}
{% macro attribution_touches(order_contacts) -%}
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
    from {{ ref('stg_raw__message_events') }} as message_events
    inner join {{ ref('stg_raw__messages') }} as messages
        on
            message_events.workspace_id = messages.workspace_id
            and message_events.message_id = messages.message_id
    where
        message_events.event_type in {{ attribution_var_values('touch_event_types') }}
        and messages.source_type in ('campaign', 'flow')
        and (messages.workspace_id, messages.contact_id) in (
            select distinct
                ordering_contacts.workspace_id,
                ordering_contacts.contact_id
            from {{ order_contacts }} as ordering_contacts
        )
{%- endmacro %}
