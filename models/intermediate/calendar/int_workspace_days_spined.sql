with

activity_ranges as (
    select * from {{ ref('int_workspaces_bounded_by_activity') }}
),

days as (
    {{ day_spine('activity_ranges', ['workspace_id'], 'first_activity_date', 'last_activity_date') }}
),

days_with_periods as (
    select
        workspace_id,
        date_day,
        -- docs/attribution.md#revenue-rollups: weeks start on Monday
        {{ week_start_date('date_day') }} as week_start_date,
        {{ month_start_date('date_day') }} as month_start_date
    from days
)

select * from days_with_periods
