{{ config(merge_clauses=tombstone_merge_clauses('signup_date')) }}
{#- an incremental run reads these base tables: refs declared while parsing only -#}
{%- if not execute %}
-- depends_on: {{ ref('base_raw__contacts') }}
-- depends_on: {{ ref('base_raw__workspaces') }}
{%- endif %}
{%- set contact_key = ['workspace_id', 'contact_id'] -%}

with

{% if is_incremental() -%}
-- incremental run: the contacts whose row changed since the last run (every version: a
-- contact that left staging has a new one) and every staged contact of a workspace whose
-- row changed (its time zone dates them all anew; a workspace that went drops them)
affected_contacts as (
    {{ keys_loaded_since_watermark('base_raw__contacts', contact_key) }}
    union
    select
        contacts.workspace_id,
        contacts.contact_id
    from {{ ref('stg_raw__contacts') }} as contacts
    inner join {{ ref('base_raw__workspaces') }} as changed_workspaces
        on contacts.workspace_id = changed_workspaces.workspace_id
    where changed_workspaces._loaded_at > {{ incremental_watermark() }}
),

{% endif -%}
contacts as (
    select * from {{ ref('stg_raw__contacts') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys('affected_contacts', 'stg_raw__contacts', contact_key) }}
    {%- endif %}
),

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

-- each distinct (zone, UTC quarter hour) dated once (macros/dates/)
local_dates as (
    {{ local_date_lookup('contacts', 'created_at', 'workspaces', 'timezone') }}
),

contacts_with_local_signup as (
    select
        contacts.workspace_id,
        contacts.contact_id,
        -- docs/attribution.md#ltv-cohorts: the signup is the contact's created_at, dated in the workspace time zone
        local_dates.local_date as signup_date,
        contacts.created_at
    from contacts
    inner join workspaces
        on contacts.workspace_id = workspaces.workspace_id
    left join local_dates
        on
            workspaces.timezone = local_dates.timezone
            and {{ utc_quarter_hour('contacts.created_at') }} = local_dates.utc_quarter_hour
),

contacts_with_cohort as (
    select
        workspace_id,
        contact_id,
        signup_date,
        {{ month_start_date('signup_date') }} as cohort_month,
        created_at
    from contacts_with_local_signup
)
-- a contact no longer staged (rejected, displaced): a tombstone (signup_date null)
{{ select_with_tombstones('contacts_with_cohort', 'affected_contacts', contact_key) }}
