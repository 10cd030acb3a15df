{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'popups',
    ['workspace_id', 'popup_id'],
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('popups', raw_scope) }}
),

workspaces as (
    select workspace_id from {{ ref('stg_raw__workspaces') }}
),

checked as (
    select
        typed.*,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.popup_id']) }}
            when workspaces.workspace_id is null then 'unknown_workspace_id'
            {{ dq_timestamp_checks('typed.created_at', required=false) }}
        end as check_reason
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, popup_id, check_reason is null
            order by created_at, name
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        popup_id,
        name as popup_name,
        created_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_popup_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'popup_id'], raw_scope) }}

select * from tracked
