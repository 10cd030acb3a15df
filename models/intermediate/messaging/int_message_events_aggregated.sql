{{ config(merge_clauses=tombstone_merge_clauses('click_count')) }}
{#- docs/attribution.md#message-funnel: the click types of the funnel; a var so a new button type can join them. -#}
{%- set click_event_types = var('funnel_click_event_types', ['clicked', 'quick_reply', 'cta_click']) -%}

{#- an incremental run reads these base tables: refs declared while parsing only -#}
{%- if not execute %}
-- depends_on: {{ ref('base_raw__messages') }}
-- depends_on: {{ ref('base_raw__message_events') }}
{%- endif %}

with

{% if is_incremental() -%}
-- incremental run: only messages whose row or events changed since the last run
affected_messages as (
    {{ message_changes_since(incremental_watermark()) }}
),

{% endif -%}
messages as (
    select * from {{ ref('stg_raw__messages') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys('affected_messages', 'stg_raw__messages', ['workspace_id', 'message_id']) }}
    {%- endif %}
),

message_events as (
    select * from {{ ref('stg_raw__message_events') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys('affected_messages', 'stg_raw__message_events', ['workspace_id', 'message_id']) }}
    {%- endif %}
),

events_with_sends as (
    select
        message_events.workspace_id,
        message_events.message_id,
        message_events.event_type,
        -- docs/attribution.md#message-funnel: clicked = any click-type event, at any time
        message_events.event_type in (
            {%- for event_type in click_event_types %}
            '{{ event_type }}'{% if not loop.last %},{% endif %}
            {%- endfor %}
        ) as is_click,
        -- docs/attribution.md#message-funnel: viewed = a read event within view_window_days of sent_at (both
        -- ends inclusive)
        coalesce(
            message_events.event_type = 'read'
            and message_events.occurred_at >= messages.sent_at
            and message_events.occurred_at
            <= {{ dbt.dateadd('day', var('view_window_days', 7), 'messages.sent_at') }},
            false
        ) as is_view_in_window,
        message_events.occurred_at
    from message_events
    inner join messages
        on
            message_events.workspace_id = messages.workspace_id
            and message_events.message_id = messages.message_id
),

events_per_message as (
    -- one pass over the events: every milestone of a message in one group
    select
        workspace_id,
        message_id,
        count(case when is_click then 1 end) as click_count,
        min(case when event_type = 'delivered' then occurred_at end) as delivered_at,
        min(case when is_view_in_window then occurred_at end) as viewed_at,
        min(case when is_click then occurred_at end) as clicked_at,
        min(case when event_type = 'failed' then occurred_at end) as failed_at
    from events_with_sends
    group by
        workspace_id,
        message_id
)
-- a message whose events are all gone (rejected, moved): a tombstone (click_count null)
{{ select_with_tombstones('events_per_message', 'affected_messages', ['workspace_id', 'message_id']) }}
