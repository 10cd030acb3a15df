with

orders as (
    select * from {{ ref('fct_order_attribution') }}
),

signups as (
    select * from {{ ref('int_contacts_dated_to_signup_cohorts') }}
),

credited_orders as (
    select
        orders.workspace_id,
        orders.order_id,
        orders.contact_id,
        signups.cohort_month,
        orders.gross_revenue,
        orders.net_revenue,
        signups.signup_date,
        orders.order_date,
        {{ month_start_date('orders.order_date') }} as revenue_month
    from orders
    -- docs/attribution.md#ltv-cohorts: an order counts for the contact it is credited to
    inner join signups
        on
            orders.workspace_id = signups.workspace_id
            and orders.contact_id = signups.contact_id
    where orders.is_attributed
),

orders_with_ages as (
    select
        workspace_id,
        order_id,
        contact_id,
        cohort_month,
        gross_revenue,
        net_revenue,
        {{ dbt.datediff('signup_date', 'order_date', 'day') | trim }} as days_since_signup,
        {{ dbt.datediff('cohort_month', 'revenue_month', 'month') | trim }} as months_since_signup,
        signup_date,
        order_date,
        revenue_month
    from credited_orders
    -- an order dated before its contact's signup belongs to no cohort age
    where order_date >= signup_date
)

select * from orders_with_ages
