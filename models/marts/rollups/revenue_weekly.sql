{{ revenue_period_rollup('week_start_date') }}
