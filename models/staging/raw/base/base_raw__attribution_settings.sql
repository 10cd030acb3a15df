{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'attribution_settings',
    ['workspace_id', 'effective_from'],
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('attribution_settings', raw_scope) }}
),

workspaces as (
    select workspace_id from {{ ref('stg_raw__workspaces') }}
),

checked as (
    select
        typed.*,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.effective_from', 'typed.window_days']) }}
            when workspaces.workspace_id is null then 'unknown_workspace_id'
            when typed.window_days < 1 or typed.window_days > 365 then 'window_days_out_of_range'
            {{ dq_timestamp_checks('typed.effective_from', required=false) }}
        end as check_reason
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
),

ranked as (
    select
        *,
        -- two rows for one instant: keep the shorter window, the conservative reading
        row_number() over (
            partition by workspace_id, effective_from, check_reason is null
            order by window_days, coupon_attribution_enabled
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        window_days,
        -- docs/attribution.md#settings-in-force: coupons are enabled unless the settings say otherwise
        coalesce(coupon_attribution_enabled, true) as is_coupon_attribution_enabled,
        effective_from,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_effective_from' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'effective_from'], raw_scope) }}

select * from tracked
