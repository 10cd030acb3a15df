{{ config(merge_clauses=tombstone_merge_clauses('conversations')) }}
{#- docs/attribution.md#revenue-rollups: the conversations of the marketing and utility categories, counted per local
    sent date; revenue_daily divides the day's revenue by them. A distinct count does not
    add up across runs, so an incremental run recounts whole days: those where the funnel
    rows this run writes, before and after, change the count of some (category,
    conversation) of the day (macros/incremental/this_run.sql); a message rewritten for
    its events alone changes none. -#}
{%- set conversation_categories = "conversation_category in ('marketing', 'utility')" -%}

{%- if not execute %}
-- the incremental branch reads the rows this run writes: refs declared while parsing only
-- depends_on: {{ ref('int_message_funnel_this_run') }}
{%- endif %}

with

{% if is_incremental() -%}
affected_days as (
    {{ groups_changed_this_run(
        'fct_message_funnel', 'sent_at', ['workspace_id', 'sent_date'], conversation_categories,
        net_of=['conversation_category', 'conversation_id']
    ) }}
),

{% endif -%}
message_funnel as (
    select * from {{ ref('fct_message_funnel') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys('affected_days', 'fct_message_funnel', ['workspace_id', 'sent_date']) }}
    {%- endif %}
),

conversations_per_day as (
    select
        workspace_id,
        sent_date,
        cast(count(distinct conversation_id) as {{ dbt.type_bigint() }}) as conversations
    from message_funnel
    where {{ conversation_categories }}
    group by
        workspace_id,
        sent_date
)

-- a day whose conversation messages all went (moved, rejected): a tombstone (conversations null)
{{ select_with_tombstones('conversations_per_day', 'affected_days', ['workspace_id', 'sent_date']) }}
