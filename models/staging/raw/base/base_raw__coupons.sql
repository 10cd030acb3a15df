{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'coupons',
    ['workspace_id', 'coupon_code', 'source_type', 'source_id'],
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
        {'model': 'base_raw__contacts', 'columns': [('workspace_id', 'workspace_id'), ('contact_id', 'contact_id')]},
        {'model': 'base_raw__campaigns', 'columns': [('workspace_id', 'workspace_id'), ('source_id', 'campaign_id')]},
        {'model': 'base_raw__flows', 'columns': [('workspace_id', 'workspace_id'), ('source_id', 'flow_id')]},
        {'model': 'base_raw__popups', 'columns': [('workspace_id', 'workspace_id'), ('source_id', 'popup_id')]},
    ],
    key_expressions={'coupon_code': 'nullif(lower(trim(cast(code as varchar))), \'\')'}
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('coupons', raw_scope) }}
),

workspaces as (
    select workspace_id from {{ ref('stg_raw__workspaces') }}
),

contacts as (
    select
        workspace_id,
        contact_id
    from {{ ref('stg_raw__contacts') }}
),

coupon_sources as (
    select
        workspace_id,
        'campaign' as source_type,
        campaign_id as source_id
    from {{ ref('stg_raw__campaigns') }}
    union all
    select
        workspace_id,
        'flow' as source_type,
        flow_id as source_id
    from {{ ref('stg_raw__flows') }}
    union all
    select
        workspace_id,
        'popup' as source_type,
        popup_id as source_id
    from {{ ref('stg_raw__popups') }}
),

checked as (
    select
        typed.*,
        -- docs/attribution.md#coupon: codes compare trimmed and case-insensitively
        nullif(lower(trim(typed.code)), '') as code_normalized,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.source_id']) }}
            when nullif(trim(typed.code), '') is null then 'null_code'
            when workspaces.workspace_id is null then 'unknown_workspace_id'
            {{ dq_enum_check('typed.source_type', raw_enum('coupon_source_type')) }}
            when coupon_sources.source_id is null then 'unknown_source_id'
            when typed.contact_id is not null and contacts.contact_id is null then 'unknown_contact_id'
            {{ dq_timestamp_checks('typed.distributed_at') }}
        end as check_reason
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
    left join coupon_sources
        on
            typed.workspace_id = coupon_sources.workspace_id
            and typed.source_type = coupon_sources.source_type
            and typed.source_id = coupon_sources.source_id
    left join contacts
        on
            typed.workspace_id = contacts.workspace_id
            and typed.contact_id = contacts.contact_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by
                workspace_id, code_normalized, source_type, source_id, contact_id, check_reason is null
            order by distributed_at asc, generated_by_platform desc, trim(code)
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        code_normalized as coupon_code,
        -- the spelling BI users find in their coupon lists, reported on credited orders
        trim(code) as coupon_code_as_defined,
        source_type,
        source_id,
        contact_id,
        coalesce(generated_by_platform, false) as is_generated_by_platform,
        distributed_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_coupon' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'coupon_code', 'source_type', 'source_id'], raw_scope) }}

select * from tracked
