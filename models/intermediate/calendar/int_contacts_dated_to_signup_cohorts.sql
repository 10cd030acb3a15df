with

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

contacts_with_local_signup as (
    select
        contacts.workspace_id,
        contacts.contact_id,
        -- SPEC §7 cohorts: the signup is the contact's created_at, dated in the workspace time zone
        {{ to_local_date('contacts.created_at', 'workspaces.timezone') }} as signup_date,
        contacts.created_at
    from contacts
    inner join workspaces
        on contacts.workspace_id = workspaces.workspace_id
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
