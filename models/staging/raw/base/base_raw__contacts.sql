{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'contacts',
    ['workspace_id', 'contact_id'],
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('contacts', raw_scope) }}
),

workspaces as (
    select workspace_id from {{ ref('stg_raw__workspaces') }}
),

checked as (
    select
        typed.*,
        {{ normalize_email('typed.email') }} as email_normalized,
        {{ normalize_phone('typed.phone', 'typed.country_code') }} as phone_e164,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.contact_id']) }}
            when workspaces.workspace_id is null then 'unknown_workspace_id'
            {{ dq_enum_check('typed.channel', raw_enum('channel')) }}
            {{ dq_timestamp_checks('typed.created_at') }}
        end as check_reason
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, contact_id, check_reason is null
            order by created_at, channel, email, phone
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        contact_id,
        channel,
        email_normalized,
        phone_e164,
        upper(trim(country_code)) as country_code,
        signup_source,
        region,
        created_at,
        -- docs/attribution.md#identity-stitching: a phone or e-mail that does not parse stitches nothing; the
        -- row is kept
        case
            when nullif(trim(phone), '') is not null and phone_e164 is null then 'unparseable_phone'
            when nullif(trim(email), '') is not null and email_normalized is null then 'malformed_email'
        end as field_issue,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_contact_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'contact_id'], raw_scope) }}

select * from tracked
