{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{#- stored_versions: every raw column is stored as typed, so older versions come from
    the stored rows (macros/incremental/incremental_raw_scope.sql) -#}
{%- set raw_scope = incremental_raw_scope(
    'message_events',
    ['workspace_id', 'event_id'],
    stored_versions=true,
    parents=[
        {'model': 'base_raw__messages', 'columns': [('workspace_id', 'workspace_id'), ('message_id', 'message_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('message_events', raw_scope) }}
),

messages as (
    select
        workspace_id,
        message_id
    from {{ ref('stg_raw__messages') }}
),

checked as (
    select
        typed.*,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.event_id', 'typed.message_id']) }}
            when messages.message_id is null then 'unknown_message_id'
            {{ dq_enum_check('typed.event_type', raw_enum('event_type')) }}
            {{ dq_timestamp_checks('typed.occurred_at') }}
        end as check_reason
    from typed
    left join messages
        on
            typed.workspace_id = messages.workspace_id
            and typed.message_id = messages.message_id
),

ranked as (
    select
        *,
        -- docs/contract.md#bad-input: webhooks repeat; a retry carries the same event_id
        row_number() over (
            partition by workspace_id, event_id, check_reason is null
            order by occurred_at, event_type, click_id
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        event_id,
        message_id,
        event_type,
        click_id,
        url,
        occurred_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_event_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'event_id'], raw_scope) }}

select * from tracked
