{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{#- one key group per send and contact, both groups in it: a contact in both groups of one
    send is judged on the whole group, on every run -#}
{%- set raw_scope = incremental_raw_scope(
    'holdouts',
    ['workspace_id', 'campaign_id', 'flow_id', 'contact_id'],
    stored_versions=true,
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
        {'model': 'base_raw__campaigns', 'columns': [('workspace_id', 'workspace_id'), ('campaign_id', 'campaign_id')]},
        {'model': 'base_raw__flows', 'columns': [('workspace_id', 'workspace_id'), ('flow_id', 'flow_id')]},
        {'model': 'base_raw__contacts', 'columns': [('workspace_id', 'workspace_id'), ('contact_id', 'contact_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('holdouts', raw_scope) }}
),

workspaces as (
    select workspace_id from {{ ref('stg_raw__workspaces') }}
),

campaigns as (
    select
        workspace_id,
        campaign_id
    from {{ ref('stg_raw__campaigns') }}
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
            {{ dq_required_checks(['typed.workspace_id', 'typed.contact_id']) }}
            when workspaces.workspace_id is null then 'unknown_workspace_id'
            when (typed.campaign_id is null) = (typed.flow_id is null) then 'campaign_and_flow_both_or_neither'
            when typed.campaign_id is not null and campaigns.campaign_id is null then 'unknown_campaign_id'
            when typed.flow_id is not null and flows.flow_id is null then 'unknown_flow_id'
            when contacts.contact_id is null then 'unknown_contact_id'
            {{ dq_enum_check('typed.holdout_group', raw_enum('holdout_group')) }}
            {{ dq_timestamp_checks('typed.assigned_at') }}
        end as check_reason
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
    left join campaigns
        on
            typed.workspace_id = campaigns.workspace_id
            and typed.campaign_id = campaigns.campaign_id
    left join flows
        on
            typed.workspace_id = flows.workspace_id
            and typed.flow_id = flows.flow_id
    left join contacts
        on
            typed.workspace_id = contacts.workspace_id
            and typed.contact_id = contacts.contact_id
),

-- docs/contract.md#bad-input: a contact in both groups of one send cannot be measured, so
-- every valid row of that send and contact is rejected
grouped as (
    select
        *,
        count(distinct case when check_reason is null then holdout_group end) over (
            partition by workspace_id, campaign_id, flow_id, contact_id
        ) as valid_groups
    from checked
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, campaign_id, flow_id, contact_id, check_reason is null
            order by assigned_at asc, holdout_group asc
        ) as key_rank
    from grouped
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        campaign_id,
        flow_id,
        contact_id,
        holdout_group,
        assigned_at,
        coalesce(
            check_reason,
            case
                when valid_groups > 1 then 'contact_in_both_groups'
                when key_rank > 1 then 'duplicate_holdout'
            end
        ) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'campaign_id', 'flow_id', 'contact_id'], raw_scope) }}

select * from tracked
