{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{#- stored_versions: every raw column is stored as typed, so older versions come from
    the stored rows (macros/incremental/incremental_raw_scope.sql) -#}
{%- set raw_scope = incremental_raw_scope(
    'shared_links',
    ['workspace_id', 'link_id'],
    stored_versions=true,
    parents=[
        {'model': 'base_raw__agents', 'columns': [('workspace_id', 'workspace_id'), ('agent_id', 'agent_id')]},
        {'model': 'base_raw__contacts', 'columns': [('workspace_id', 'workspace_id'), ('contact_id', 'contact_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('shared_links', raw_scope) }}
),

agents as (
    select
        workspace_id,
        agent_id
    from {{ ref('stg_raw__agents') }}
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
            {{ dq_required_checks(['typed.workspace_id', 'typed.link_id', 'typed.agent_id']) }}
            when agents.agent_id is null then 'unknown_agent_id'
            when typed.contact_id is not null and contacts.contact_id is null then 'unknown_contact_id'
            {{ dq_enum_check('typed.link_type', raw_enum('link_type')) }}
            {{ dq_enum_check('typed.channel', raw_enum('channel'), required=false) }}
            {{ dq_timestamp_checks('typed.shared_at') }}
        end as check_reason
    from typed
    left join agents
        on
            typed.workspace_id = agents.workspace_id
            and typed.agent_id = agents.agent_id
    left join contacts
        on
            typed.workspace_id = contacts.workspace_id
            and typed.contact_id = contacts.contact_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, link_id, check_reason is null
            order by shared_at, agent_id, contact_id
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        link_id,
        agent_id,
        contact_id,
        conversation_id,
        link_type,
        channel,
        shared_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_link_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'link_id'], raw_scope) }}

select * from tracked
