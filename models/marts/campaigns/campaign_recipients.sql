{{ config(merge_clauses=tombstone_merge_clauses('messages_sent')) }}
{%- if not execute %}
-- the incremental branch reads the rows this run writes: refs declared while parsing only
-- depends_on: {{ ref('int_message_funnel_this_run') }}
{%- endif %}

with

{% if is_incremental() -%}
-- incremental run: the campaign x contact groups of the funnel rows this run writes,
-- before and after (macros/incremental/this_run.sql)
affected_recipients as (
    {{ groups_changed_this_run(
        'fct_message_funnel', 'sent_at', ['workspace_id', 'campaign_id', 'contact_id'], "source_type = 'campaign'"
    ) }}
),

{% endif -%}
message_funnel as (
    select * from {{ ref('fct_message_funnel') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys(
        'affected_recipients', 'fct_message_funnel', ['workspace_id', 'campaign_id', 'contact_id']
    ) }}
    {%- endif %}
),

recipients as (
    select
        workspace_id,
        campaign_id,
        contact_id,
        count(*) as messages_sent,
        -- a read or click proves delivery when the delivered webhook was lost (docs/DECISIONS.md)
        count(case when is_delivered or is_viewed or is_clicked then 1 end) as messages_delivered,
        count(case when is_viewed then 1 end) as messages_viewed,
        count(case when is_clicked then 1 end) as messages_clicked,
        count(case when has_goal then 1 end) as messages_with_goal,
        sum(click_count) as click_events,
        min(sent_at) as first_sent_at,
        max(sent_at) as last_sent_at,
        min(least(delivered_at, viewed_at, clicked_at)) as first_delivered_at,
        min(viewed_at) as first_viewed_at,
        min(clicked_at) as first_clicked_at,
        min(goal_at) as first_goal_at
    from message_funnel
    where source_type = 'campaign'
    group by
        workspace_id,
        campaign_id,
        contact_id
),

recipients_with_flags as (
    select
        workspace_id,
        campaign_id,
        contact_id,
        messages_sent,
        messages_delivered,
        messages_viewed,
        messages_clicked,
        messages_with_goal,
        click_events,
        messages_delivered > 0 as is_delivered,
        messages_viewed > 0 as is_viewed,
        messages_clicked > 0 as is_clicked,
        messages_with_goal > 0 as has_goal,
        first_sent_at,
        last_sent_at,
        first_delivered_at,
        first_viewed_at,
        first_clicked_at,
        first_goal_at
    from recipients
)

-- a group whose messages all went (moved, rejected): a tombstone (messages_sent null)
{{ select_with_tombstones(
    'recipients_with_flags', 'affected_recipients', ['workspace_id', 'campaign_id', 'contact_id']
) }}
