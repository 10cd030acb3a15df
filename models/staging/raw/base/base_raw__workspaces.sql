{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'workspaces',
    ['workspace_id']
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('workspaces', raw_scope) }}
),

checked as (
    select
        *,
        case
            when invalid_value_reason is not null then invalid_value_reason
            {{ dq_required_checks(['workspace_id', 'timezone', 'currency']) }}
            -- an unknown zone would break every local date of the workspace
            when not ({{ is_known_timezone('timezone') }}) then 'unknown_timezone'
            {{ dq_timestamp_checks('created_at', required=false) }}
        end as check_reason
    from typed
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, check_reason is null
            order by created_at, name, timezone, currency
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        name as workspace_name,
        timezone,
        upper(trim(currency)) as currency,
        created_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_workspace_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id'], raw_scope) }}

select * from tracked
