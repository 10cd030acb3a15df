{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{#- stored_versions: every raw column is stored as typed; the campaign, flow, run and
    agent ids that the source type does not name are nulled, and no check or ranking
    reads them (macros/incremental/incremental_raw_scope.sql) -#}
{%- set raw_scope = incremental_raw_scope(
    'messages',
    ['workspace_id', 'message_id'],
    stored_versions=true,
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
        {'model': 'base_raw__contacts', 'columns': [('workspace_id', 'workspace_id'), ('contact_id', 'contact_id')]},
        {'model': 'base_raw__campaigns', 'columns': [('workspace_id', 'workspace_id'), ('campaign_id', 'campaign_id')]},
        {'model': 'base_raw__flows', 'columns': [('workspace_id', 'workspace_id'), ('flow_id', 'flow_id')]},
        {'model': 'base_raw__agents', 'columns': [('workspace_id', 'workspace_id'), ('agent_id', 'agent_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('messages', raw_scope) }}
),

workspaces as (
    select
        workspace_id,
        timezone
    from {{ ref('stg_raw__workspaces') }}
),

contacts as (
    select
        workspace_id,
        contact_id
    from {{ ref('stg_raw__contacts') }}
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

agents as (
    select
        workspace_id,
        agent_id
    from {{ ref('stg_raw__agents') }}
),

checked as (
    select
        typed.*,
        workspaces.timezone,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.message_id', 'typed.contact_id']) }}
            when workspaces.workspace_id is null then 'unknown_workspace_id'
            when contacts.contact_id is null then 'unknown_contact_id'
            {{ dq_enum_check('typed.source_type', raw_enum('message_source_type')) }}
            {{ dq_enum_check('typed.channel', raw_enum('channel')) }}
            {{ dq_enum_check('typed.conversation_category', raw_enum('conversation_category'), required=false) }}
            -- the message must name the campaign, flow or agent its source_type says
            when typed.source_type = 'campaign' and campaigns.campaign_id is null then 'unknown_campaign_id'
            when typed.source_type = 'flow' and flows.flow_id is null then 'unknown_flow_id'
            when typed.source_type = 'helpdesk' and agents.agent_id is null then 'unknown_agent_id'
            {{ dq_timestamp_checks('typed.sent_at') }}
            {{ dq_amount_checks('typed.cost', required=false) }}
            when typed.segments < 1 then 'non_positive_segments'
        end as check_reason
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
    left join contacts
        on
            typed.workspace_id = contacts.workspace_id
            and typed.contact_id = contacts.contact_id
    left join campaigns
        on
            typed.workspace_id = campaigns.workspace_id
            and typed.campaign_id = campaigns.campaign_id
    left join flows
        on
            typed.workspace_id = flows.workspace_id
            and typed.flow_id = flows.flow_id
    left join agents
        on
            typed.workspace_id = agents.workspace_id
            and typed.agent_id = agents.agent_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, message_id, check_reason is null
            order by sent_at, contact_id, source_type
        ) as key_rank
    from checked
),

-- each distinct (zone, UTC quarter hour) converted once (macros/dates/)
local_sent_dates as (
    {{ local_date_lookup('typed', 'sent_at', 'workspaces', 'timezone') }}
),

final as (
    select
        ranked._raw_file_hash,
        ranked.workspace_id,
        ranked.message_id,
        ranked.contact_id,
        ranked.source_type,
        -- only the id that the source type names is kept
        case when ranked.source_type = 'campaign' then ranked.campaign_id end as campaign_id,
        case when ranked.source_type = 'flow' then ranked.flow_id end as flow_id,
        case when ranked.source_type = 'flow' then ranked.flow_run_id end as flow_run_id,
        case when ranked.source_type = 'helpdesk' then ranked.agent_id end as agent_id,
        ranked.creative_id,
        ranked.offer_id,
        ranked.conversation_id,
        ranked.channel,
        ranked.conversation_category,
        ranked.cost,
        ranked.segments,
        ranked.sent_at,
        local_sent_dates.local_date as sent_date,
        coalesce(ranked.check_reason, case when ranked.key_rank > 1 then 'duplicate_message_id' end) as rejection_reason
    from ranked
    left join local_sent_dates
        on
            ranked.timezone = local_sent_dates.timezone
            and {{ utc_quarter_hour('ranked.sent_at') }} = local_sent_dates.utc_quarter_hour
),

{{ track_row_changes('final', ['workspace_id', 'message_id'], raw_scope) }}

select * from tracked
