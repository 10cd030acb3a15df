{#- SPEC §7: the conversations of the marketing and utility categories, counted per local
    sent date; revenue_daily divides the day's revenue by them. A distinct count does not
    add up across runs, so an incremental run recounts the days of funnel rows replaced or
    written since the last run, before and after (macros/incremental/change_log.sql). -#}
{%- set conversation_categories = "conversation_category in ('marketing', 'utility')" -%}

with

{% if is_incremental() -%}
affected_days as (
    {{ groups_changed_in_log('fct_message_funnel', ['workspace_id', 'sent_date'], conversation_categories) }}
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
