{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'campaigns',
    ['workspace_id', 'campaign_id'],
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('campaigns', raw_scope) }}
),

workspaces as (
    select workspace_id from {{ ref('stg_raw__workspaces') }}
),

checked as (
    select
        typed.*,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.campaign_id']) }}
            when workspaces.workspace_id is null then 'unknown_workspace_id'
            {{ dq_enum_check('typed.status', raw_enum('campaign_status')) }}
            {{ dq_enum_check('typed.channel', raw_enum('channel')) }}
            {{ dq_timestamp_checks('typed.published_at', required=false) }}
        end as check_reason
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, campaign_id, check_reason is null
            order by published_at desc, status asc, name asc
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        campaign_id,
        creative_id,
        offer_id,
        name as campaign_name,
        channel,
        status,
        sending_list,
        published_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_campaign_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'campaign_id'], raw_scope) }}

select * from tracked
