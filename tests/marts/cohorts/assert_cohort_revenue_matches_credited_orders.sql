{#- docs/attribution.md#ltv-cohorts, recomputed from the facts without the intermediate models:
    per workspace and signup month, the credited orders of the cohort's contacts
    dated on or after their local signup date. The cumulative revenue of
    ltv_cohorts at its last age must equal their total, and each complete N-day
    figure of ltv_cohort_summary their total within N days; a cohort with credited
    orders missing from either mart, or in one mart only, is a mismatch too. Returns
    mismatches. -#}
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

cohorts_at_last_age as (
    select * from cohorts_with_last_age
    where is_last_age
),

-- a cohort in either mart, with its figures from each (null where that mart lacks it)
cohorts_in_marts as (
    select
        coalesce(summary.workspace_id, cohorts_at_last_age.workspace_id) as workspace_id,
        coalesce(summary.cohort_month, cohorts_at_last_age.cohort_month) as cohort_month,
        cohorts_at_last_age.cumulative_gross_revenue,
        summary.gross_revenue_7d,
        summary.gross_revenue_30d,
        summary.gross_revenue_90d,
        summary.workspace_id is not null as is_in_summary,
        cohorts_at_last_age.workspace_id is not null as is_in_cohorts,
        summary.is_complete_7d,
        summary.is_complete_30d,
        summary.is_complete_90d
    from summary
    full outer join cohorts_at_last_age
        on
            summary.workspace_id = cohorts_at_last_age.workspace_id
            and summary.cohort_month = cohorts_at_last_age.cohort_month
),

-- a full outer join: a cohort with credited revenue that a mart lacks is a mismatch, and so
-- is a cohort of a mart with revenue where none was credited (cohorts without credited
-- orders are counted by the cohort_size tests of both marts)
mismatches as (
    select
        coalesce(expected.workspace_id, cohorts_in_marts.workspace_id) as workspace_id,
        coalesce(expected.cohort_month, cohorts_in_marts.cohort_month) as cohort_month,
        cohorts_in_marts.cumulative_gross_revenue,
        expected.gross_revenue_lifetime,
        cohorts_in_marts.gross_revenue_7d,
        expected.gross_revenue_7d as expected_gross_revenue_7d,
        cohorts_in_marts.gross_revenue_30d,
        expected.gross_revenue_30d as expected_gross_revenue_30d,
        cohorts_in_marts.gross_revenue_90d,
        expected.gross_revenue_90d as expected_gross_revenue_90d,
        coalesce(cohorts_in_marts.is_in_summary, false) as is_in_summary,
        coalesce(cohorts_in_marts.is_in_cohorts, false) as is_in_cohorts
    from expected
    full outer join cohorts_in_marts
        on
            expected.workspace_id = cohorts_in_marts.workspace_id
            and expected.cohort_month = cohorts_in_marts.cohort_month
    where
        cohorts_in_marts.workspace_id is null
        or not cohorts_in_marts.is_in_summary
        or not cohorts_in_marts.is_in_cohorts
        or abs(cohorts_in_marts.cumulative_gross_revenue - coalesce(expected.gross_revenue_lifetime, 0)) >= 0.005
        or (
            cohorts_in_marts.is_complete_7d
            and abs(cohorts_in_marts.gross_revenue_7d - coalesce(expected.gross_revenue_7d, 0)) >= 0.005
        )
        or (
            cohorts_in_marts.is_complete_30d
            and abs(cohorts_in_marts.gross_revenue_30d - coalesce(expected.gross_revenue_30d, 0)) >= 0.005
        )
        or (
            cohorts_in_marts.is_complete_90d
            and abs(cohorts_in_marts.gross_revenue_90d - coalesce(expected.gross_revenue_90d, 0)) >= 0.005
        )
)

select * from mismatches
