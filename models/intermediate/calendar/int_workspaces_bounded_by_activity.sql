with

revenue as (
    select * from {{ ref('fct_attributed_revenue') }}
),

messages as (
    select * from {{ ref('stg_raw__messages') }}
),

signups as (
    select * from {{ ref('int_contacts_dated_to_signup_cohorts') }}
),

revenue_ranges as (
    select
        workspace_id,
        min(revenue_date) as first_activity_date,
        max(revenue_date) as last_activity_date
    from revenue
    group by workspace_id
),

message_ranges as (
    select
        workspace_id,
        min(sent_date) as first_activity_date,
        max(sent_date) as last_activity_date
    from messages
    group by workspace_id
),

signup_ranges as (
    select
        workspace_id,
        min(signup_date) as first_activity_date,
        max(signup_date) as last_activity_date
    from signups
    group by workspace_id
),

all_ranges as (
    select * from revenue_ranges
    union all
    select * from message_ranges
    union all
    select * from signup_ranges
),

activity_ranges as (
    -- activity: a revenue event, a message sent or a contact signing up, on local dates
    select
        workspace_id,
        min(first_activity_date) as first_activity_date,
        max(last_activity_date) as last_activity_date
    from all_ranges
    where first_activity_date is not null
    group by workspace_id
)

select * from activity_ranges
