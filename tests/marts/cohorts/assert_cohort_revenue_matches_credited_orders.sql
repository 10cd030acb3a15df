{#- docs/attribution.md#ltv-cohorts, recomputed from the facts without the intermediate models:
    per workspace and signup month, the credited orders of the cohort's contacts
    dated on or after their local signup date. The cumulative revenue of
    ltv_cohorts at its last age must equal their total, and each complete N-day
    figure of ltv_cohort_summary their total within N days. Returns mismatches. -#}
with

orders as (
    select * from {{ ref('fct_order_attribution') }}
),

-- only contacts with a credited order have revenue: the others' signup dates go unused
-- (a per-row time zone conversion, 1M contacts at the benchmark's scale)
contacts as (
    select * from {{ ref('stg_raw__contacts') }}
    where (workspace_id, contact_id) in (
        select
            orders.workspace_id,
            orders.contact_id
        from orders
        where orders.is_attributed
    )
),

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

cohorts as (
    select * from {{ ref('ltv_cohorts') }}
),

summary as (
    select * from {{ ref('ltv_cohort_summary') }}
),

signups as (
    select
        contacts.workspace_id,
        contacts.contact_id,
        {{ to_local_date('contacts.created_at', 'workspaces.timezone') }} as signup_date
    from contacts
    inner join workspaces
        on contacts.workspace_id = workspaces.workspace_id
),

credited_orders as (
    select
        signups.workspace_id,
        orders.gross_revenue,
        {{ dbt.datediff('signups.signup_date', 'orders.order_date', 'day') | trim }} as days_since_signup,
        cast({{ dbt.date_trunc('month', 'signups.signup_date') }} as date) as cohort_month
    from orders
    inner join signups
        on
            orders.workspace_id = signups.workspace_id
            and orders.contact_id = signups.contact_id
    where orders.is_attributed and orders.order_date >= signups.signup_date
),

expected as (
    select
        workspace_id,
        cohort_month,
        sum(gross_revenue) as gross_revenue_lifetime,
        sum(case when days_since_signup <= 7 then gross_revenue else 0 end) as gross_revenue_7d,
        sum(case when days_since_signup <= 30 then gross_revenue else 0 end) as gross_revenue_30d,
        sum(case when days_since_signup <= 90 then gross_revenue else 0 end) as gross_revenue_90d
    from credited_orders
    group by workspace_id, cohort_month
),

cohorts_with_last_age as (
    select
        workspace_id,
        cohort_month,
        cumulative_gross_revenue,
        months_since_signup = max(months_since_signup) over (
            partition by workspace_id, cohort_month
        ) as is_last_age
    from cohorts
),

mismatches as (
    select
        summary.workspace_id,
        summary.cohort_month,
        cohorts_with_last_age.cumulative_gross_revenue,
        expected.gross_revenue_lifetime,
        summary.gross_revenue_7d,
        expected.gross_revenue_7d as expected_gross_revenue_7d,
        summary.gross_revenue_30d,
        expected.gross_revenue_30d as expected_gross_revenue_30d,
        summary.gross_revenue_90d,
        expected.gross_revenue_90d as expected_gross_revenue_90d
    from summary
    inner join cohorts_with_last_age
        on
            summary.workspace_id = cohorts_with_last_age.workspace_id
            and summary.cohort_month = cohorts_with_last_age.cohort_month
            and cohorts_with_last_age.is_last_age
    left join expected
        on
            summary.workspace_id = expected.workspace_id
            and summary.cohort_month = expected.cohort_month
    where
        abs(cohorts_with_last_age.cumulative_gross_revenue - coalesce(expected.gross_revenue_lifetime, 0)) >= 0.005
        or (
            summary.is_complete_7d
            and abs(summary.gross_revenue_7d - coalesce(expected.gross_revenue_7d, 0)) >= 0.005
        )
        or (
            summary.is_complete_30d
            and abs(summary.gross_revenue_30d - coalesce(expected.gross_revenue_30d, 0)) >= 0.005
        )
        or (
            summary.is_complete_90d
            and abs(summary.gross_revenue_90d - coalesce(expected.gross_revenue_90d, 0)) >= 0.005
        )
)

select * from mismatches
