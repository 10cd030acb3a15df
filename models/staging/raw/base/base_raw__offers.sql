{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'offers',
    ['workspace_id', 'offer_id'],
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('offers', raw_scope) }}
),

workspaces as (
    select workspace_id from {{ ref('stg_raw__workspaces') }}
),

checked as (
    select
        typed.*,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.offer_id']) }}
            when workspaces.workspace_id is null then 'unknown_workspace_id'
            {{ dq_enum_check('typed.network', raw_enum('network')) }}
            when typed.attribution_window_hours < 1 then 'non_positive_attribution_window_hours'
        end as check_reason
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, offer_id, check_reason is null
            order by name, network, attribution_window_hours
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        offer_id,
        name as offer_name,
        network,
        -- docs/attribution.md#affiliate-conversions: an offer without a window credits clicks for 168 hours
        coalesce(attribution_window_hours, {{ var('default_offer_window_hours', 168) }}) as attribution_window_hours,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_offer_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'offer_id'], raw_scope) }}

select * from tracked
