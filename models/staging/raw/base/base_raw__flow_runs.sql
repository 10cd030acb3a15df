{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{#- stored_versions: every raw column is stored as typed, so older versions come from
    the stored rows (macros/incremental/incremental_raw_scope.sql) -#}
{%- set raw_scope = incremental_raw_scope(
    'flow_runs',
    ['workspace_id', 'flow_run_id'],
    stored_versions=true,
    parents=[
        {'model': 'base_raw__contacts', 'columns': [('workspace_id', 'workspace_id'), ('contact_id', 'contact_id')]},
        {'model': 'base_raw__flows', 'columns': [('workspace_id', 'workspace_id'), ('flow_id', 'flow_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('flow_runs', raw_scope) }}
),

flows as (
    select
        workspace_id,
        flow_id
    from {{ ref('stg_raw__flows') }}
),

contacts as (
    select
        workspace_id,
        contact_id
    from {{ ref('stg_raw__contacts') }}
),

checked as (
    select
        typed.*,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.flow_run_id', 'typed.flow_id', 'typed.contact_id']) }}
            when flows.flow_id is null then 'unknown_flow_id'
            when contacts.contact_id is null then 'unknown_contact_id'
            {{ dq_timestamp_checks('typed.started_at') }}
            {{ dq_timestamp_checks('typed.completed_at', required=false) }}
            when typed.completed_at < typed.started_at then 'completed_before_started'
        end as check_reason
    from typed
    left join flows
        on
            typed.workspace_id = flows.workspace_id
            and typed.flow_id = flows.flow_id
    left join contacts
        on
            typed.workspace_id = contacts.workspace_id
            and typed.contact_id = contacts.contact_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, flow_run_id, check_reason is null
            order by started_at asc, completed_at desc nulls last, exit_reason asc
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        flow_run_id,
        flow_id,
        contact_id,
        exit_reason,
        completed_at is not null as is_completed,
        started_at,
        completed_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_flow_run_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'flow_run_id'], raw_scope) }}

select * from tracked
