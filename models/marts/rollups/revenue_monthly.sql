{{ revenue_period_rollup('month_start_date') }}
