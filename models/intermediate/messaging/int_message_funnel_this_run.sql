{#- The funnel rows fct_message_funnel writes this run (macros/incremental/this_run.sql):
    every message on a full build; on an incremental run the messages whose row, events,
    goal or last-touch credit changed, with the values their stored rows had. -#}
{%- set stored = this_run_stored_rows() -%}
{#- an incremental run reads these base tables: refs declared while parsing only -#}
{%- if not execute %}
-- depends_on: {{ ref('base_raw__messages') }}
-- depends_on: {{ ref('base_raw__message_events') }}
{%- endif %}

with

message_goals as (
    select * from {{ ref('int_message_goals_reached') }}
),

order_attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

last_touch_revenue as (
    select
        workspace_id,
        message_id,
        count(*) as attributed_orders,
        cast(sum(gross_revenue) as decimal(18, 2)) as attributed_gross_revenue,
        cast(sum(net_revenue) as decimal(18, 2)) as attributed_net_revenue
    from order_attribution
    -- docs/attribution.md#message-funnel: revenue is the last-touch credit only, never the goal orders
    where
        attribution_method = 'last_touch'
        and message_id is not null
    group by
        workspace_id,
        message_id
),

{% if stored is not none -%}
-- incremental run: the messages whose row, events, goal or last-touch credit changed
-- (goals and credits are small: compared in full with the stored rows)
affected_messages as (
    {{ message_changes_since(incremental_watermark('fct_message_funnel')) }}
    union
    {{ keys_differing_from_stored(
        'message_goals', 'has_goal', ['workspace_id', 'message_id'], ['goal_order_id', 'goal_at'], stored
    ) }}
    union
    {{ keys_differing_from_stored(
        'last_touch_revenue',
        'attributed_orders > 0',
        ['workspace_id', 'message_id'],
        ['attributed_orders', 'attributed_gross_revenue', 'attributed_net_revenue'],
        stored
    ) }}
),

{% endif -%}
messages as (
    select * from {{ ref('stg_raw__messages') }}
    {%- if stored is not none %}
    where {{ in_affected_keys('affected_messages', 'stg_raw__messages', ['workspace_id', 'message_id']) }}
    {%- endif %}
),

message_events as (
    select * from {{ ref('int_message_events_aggregated') }}
),

funnel as (
    select
        messages.workspace_id,
        messages.message_id,
        messages.contact_id,
        case messages.source_type
            when 'campaign' then messages.campaign_id
            when 'flow' then messages.flow_id
            when 'helpdesk' then messages.agent_id
        end as source_id,
        messages.campaign_id,
        messages.flow_id,
        messages.flow_run_id,
        messages.agent_id,
        messages.creative_id,
        messages.offer_id,
        messages.conversation_id,
        message_goals.goal_order_id,
        messages.source_type,
        messages.channel,
        messages.conversation_category,
        messages.cost,
        messages.segments,
        coalesce(message_events.click_count, 0) as click_count,
        coalesce(last_touch_revenue.attributed_orders, 0) as attributed_orders,
        coalesce(
            last_touch_revenue.attributed_gross_revenue, cast(0 as decimal(18, 2))
        ) as attributed_gross_revenue,
        coalesce(
            last_touch_revenue.attributed_net_revenue, cast(0 as decimal(18, 2))
        ) as attributed_net_revenue,
        message_events.delivered_at is not null as is_delivered,
        message_events.viewed_at is not null as is_viewed,
        message_events.clicked_at is not null as is_clicked,
        message_goals.goal_at is not null as has_goal,
        message_events.failed_at is not null as is_failed,
        messages.sent_date,
        messages.sent_at,
        message_events.delivered_at,
        message_events.viewed_at,
        message_events.clicked_at,
        message_goals.goal_at,
        message_events.failed_at
    from messages
    left join message_events
        on
            messages.workspace_id = message_events.workspace_id
            and messages.message_id = message_events.message_id
    left join message_goals
        on
            messages.workspace_id = message_goals.workspace_id
            and messages.message_id = message_goals.message_id
    left join last_touch_revenue
        on
            messages.workspace_id = last_touch_revenue.workspace_id
            and messages.message_id = last_touch_revenue.message_id
)
-- a message no longer usable (rejected, superseded): a tombstone (sent_at null)
{{ select_this_run(
    'funnel', 'affected_messages', ['workspace_id', 'message_id'],
    model.config.meta.get('previous_columns', []), stored
) }}
