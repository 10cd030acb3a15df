with

signups as (
    select * from {{ ref('int_contacts_dated_to_signup_cohorts') }}
),

aged_orders as (
    select * from {{ ref('int_orders_aged_since_signup') }}
),

days as (
    select * from {{ ref('int_workspace_days_spined') }}
),

activity_ranges as (
    select * from {{ ref('int_workspaces_bounded_by_activity') }}
),

cohorts as (
    select
        workspace_id,
        cohort_month,
        count(*) as cohort_size
    from signups
    group by workspace_id, cohort_month
),

months as (
    select distinct
        workspace_id,
        month_start_date
    from days
),

cohort_ages as (
    -- docs/attribution.md#ltv-cohorts: every month from the signup month up to the workspace's last month of data
    select
        cohorts.workspace_id,
        cohorts.cohort_month,
        {{ dbt.datediff('cohorts.cohort_month', 'months.month_start_date', 'month') | trim }} as months_since_signup,
        cohorts.cohort_size,
        months.month_start_date as revenue_month
    from cohorts
    inner join months
        on
            cohorts.workspace_id = months.workspace_id
            and cohorts.cohort_month <= months.month_start_date
),

revenue_per_age as (
    select
        workspace_id,
        cohort_month,
        months_since_signup,
        count(*) as orders,
        count(distinct contact_id) as purchasing_contacts,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue
    from aged_orders
    group by workspace_id, cohort_month, months_since_signup
),

cohort_ages_with_revenue as (
    select
        cohort_ages.workspace_id,
        cohort_ages.cohort_month,
        cohort_ages.months_since_signup,
        cohort_ages.cohort_size,
        coalesce(revenue_per_age.orders, 0) as orders,
        coalesce(revenue_per_age.purchasing_contacts, 0) as purchasing_contacts,
        coalesce(revenue_per_age.gross_revenue, 0) as gross_revenue,
        coalesce(revenue_per_age.net_revenue, 0) as net_revenue,
        cohort_ages.revenue_month
    from cohort_ages
    left join revenue_per_age
        on
            cohort_ages.workspace_id = revenue_per_age.workspace_id
            and cohort_ages.cohort_month = revenue_per_age.cohort_month
            and cohort_ages.months_since_signup = revenue_per_age.months_since_signup
),

cumulated as (
    select
        *,
        sum(gross_revenue) over (
            partition by workspace_id, cohort_month order by months_since_signup
            rows between unbounded preceding and current row
        ) as cumulative_gross_revenue,
        sum(net_revenue) over (
            partition by workspace_id, cohort_month order by months_since_signup
            rows between unbounded preceding and current row
        ) as cumulative_net_revenue
    from cohort_ages_with_revenue
),

final as (
    select
        cumulated.workspace_id,
        cumulated.months_since_signup,
        cumulated.cohort_size,
        cumulated.orders,
        cumulated.purchasing_contacts,
        cast(cumulated.gross_revenue as decimal(18, 2)) as gross_revenue,
        cast(cumulated.net_revenue as decimal(18, 2)) as net_revenue,
        cast(cumulated.cumulative_gross_revenue as decimal(18, 2)) as cumulative_gross_revenue,
        cast(cumulated.cumulative_net_revenue as decimal(18, 2)) as cumulative_net_revenue,
        {{ safe_divide('cumulated.gross_revenue', 'cumulated.cohort_size') }} as gross_revenue_per_contact,
        {{ safe_divide('cumulated.net_revenue', 'cumulated.cohort_size') }} as net_revenue_per_contact,
        {{ safe_divide('cumulated.cumulative_gross_revenue', 'cumulated.cohort_size') }}
            as cumulative_gross_revenue_per_contact,
        {{ safe_divide('cumulated.cumulative_net_revenue', 'cumulated.cohort_size') }}
            as cumulative_net_revenue_per_contact,
        -- the month is over by the workspace's last date of data, so its revenue is final
        {{ dbt.dateadd('month', 1, 'cumulated.revenue_month') }}
        <= {{ dbt.dateadd('day', 1, 'activity_ranges.last_activity_date') }} as is_complete_month,
        cumulated.cohort_month,
        cumulated.revenue_month
    from cumulated
    inner join activity_ranges
        on cumulated.workspace_id = activity_ranges.workspace_id
)

select * from final
