{#- In an incremental build (tests_read_changed_rows) only the messages the build touched
    are compared: those whose base row it loaded (usable or not) and those whose funnel row
    it wrote (int_message_funnel_this_run). A message it touched on neither side was
    compared when it last changed. -#}
{%- if not execute %}
-- depends_on: {{ ref('base_raw__messages') }}
-- depends_on: {{ ref('int_message_funnel_this_run') }}
{%- endif %}
{%- set keys = ['workspace_id', 'message_id'] -%}
{%- set only_touched = tests_read_changed_rows() -%}
-- docs/attribution.md#message-funnel: the funnel has one row per staged message, no more, no less.
with

{% if only_touched -%}
touched_messages as (
    select
        workspace_id,
        message_id
    from {{ ref('int_message_funnel_this_run') }}
    union
    select
        base_messages.workspace_id,
        base_messages.message_id
    from {{ ref('base_raw__messages') }} as base_messages
    where base_messages._loaded_at = {{ incremental_run_timestamp() }}
),

{% endif -%}
messages as (
    select * from {{ ref('stg_raw__messages') }}
    {%- if only_touched %}
    where {{ in_affected_keys('touched_messages', 'stg_raw__messages', keys) }}
    {%- endif %}
),

funnel as (
    select * from {{ ref('fct_message_funnel') }}
    {%- if only_touched %}
    where {{ in_affected_keys('touched_messages', 'fct_message_funnel', keys) }}
    {%- endif %}
),

compared as (
    select
        coalesce(messages.workspace_id, funnel.workspace_id) as workspace_id,
        coalesce(messages.message_id, funnel.message_id) as message_id,
        messages.message_id is not null as is_staged,
        funnel.message_id is not null as is_in_funnel
    from messages
    full outer join funnel
        on
            messages.workspace_id = funnel.workspace_id
            and messages.message_id = funnel.message_id
)

select * from compared
where not (is_staged and is_in_funnel)
