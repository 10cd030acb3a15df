{%- set window_days = [7, 30, 90] -%}

with

signups as (
    select * from {{ ref('int_contacts_dated_to_signup_cohorts') }}
),

aged_orders as (
    select * from {{ ref('int_orders_aged_since_signup') }}
),

activity_ranges as (
    select * from {{ ref('int_workspaces_bounded_by_activity') }}
),

cohorts as (
    select
        workspace_id,
        cohort_month,
        count(*) as cohort_size,
        min(signup_date) as first_signup_date,
        max(signup_date) as last_signup_date
    from signups
    group by workspace_id, cohort_month
),

revenue_in_windows as (
    select
        workspace_id,
        cohort_month,
        {%- for days in window_days %}
        -- docs/attribution.md#ltv-cohorts: revenue within {{ days }} days of each contact's own signup, both
        -- ends inclusive
        sum(case when days_since_signup <= {{ days }} then gross_revenue else 0 end) as gross_revenue_{{ days }}d,
        sum(case when days_since_signup <= {{ days }} then net_revenue else 0 end) as net_revenue_{{ days }}d
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from aged_orders
    group by workspace_id, cohort_month
),

cohorts_with_maturity as (
    select
        cohorts.workspace_id,
        cohorts.cohort_size,
        {%- for days in window_days %}
        coalesce(revenue_in_windows.gross_revenue_{{ days }}d, 0) as gross_revenue_{{ days }}d,
        coalesce(revenue_in_windows.net_revenue_{{ days }}d, 0) as net_revenue_{{ days }}d,
        -- docs/attribution.md#ltv-cohorts: old enough when every contact's window has ended by the
        -- workspace's last date of data
        {{ dbt.dateadd('day', days, 'cohorts.last_signup_date') }} <= activity_ranges.last_activity_date
            as is_complete_{{ days }}d,
        {%- endfor %}
        cohorts.cohort_month,
        cohorts.first_signup_date,
        cohorts.last_signup_date,
        activity_ranges.last_activity_date
    from cohorts
    inner join activity_ranges
        on cohorts.workspace_id = activity_ranges.workspace_id
    left join revenue_in_windows
        on
            cohorts.workspace_id = revenue_in_windows.workspace_id
            and cohorts.cohort_month = revenue_in_windows.cohort_month
),

final as (
    select
        workspace_id,
        cohort_size,
        {%- for days in window_days %}
        -- a cohort not old enough has no N-day figure yet: null, not a partial sum
        cast(case when is_complete_{{ days }}d then gross_revenue_{{ days }}d end as decimal(18, 2))
            as gross_revenue_{{ days }}d,
        cast(case when is_complete_{{ days }}d then net_revenue_{{ days }}d end as decimal(18, 2))
            as net_revenue_{{ days }}d,
        {{ safe_divide('case when is_complete_' ~ days ~ 'd then gross_revenue_' ~ days ~ 'd end', 'cohort_size') }}
            as gross_revenue_per_contact_{{ days }}d,
        {{ safe_divide('case when is_complete_' ~ days ~ 'd then net_revenue_' ~ days ~ 'd end', 'cohort_size') }}
            as net_revenue_per_contact_{{ days }}d,
        {%- endfor %}
        {%- for days in window_days %}
        is_complete_{{ days }}d,
        {%- endfor %}
        cohort_month,
        first_signup_date,
        last_signup_date,
        last_activity_date
    from cohorts_with_maturity
)

select * from final
