-- MetricFlow's day spine: every date from the day before var dq_min_timestamp (staging rejects
-- older timestamps; a local date can be a day earlier than the UTC one) to the end of the fifth
-- year after the build, so every usable local date of the marts is on it
with

bounds as (
    select
        cast(
            {{ dbt.dateadd('day', -1, "cast('" ~ var('dq_min_timestamp', '2000-01-01') ~ "' as date)") }} as date
        ) as first_date,
        cast(
            {{ dbt.dateadd('day', -1, dbt.dateadd('year', 6, dbt.date_trunc('year', dbt.current_timestamp()))) }}
            as date
        ) as last_date
),

days as (
    {{ day_spine('bounds', [], 'first_date', 'last_date') }}
)

select * from days
