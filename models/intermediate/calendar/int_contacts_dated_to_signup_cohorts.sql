with

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
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
        -- SPEC §7 cohorts: the signup is the contact's created_at, dated in the workspace time zone
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

select * from contacts_with_cohort
