{#- The Monday that starts the week of `date_expression` (docs/attribution.md#revenue-rollups: weeks start
    on Monday), as a date. Engines disagree on date_trunc('week') (BigQuery
    starts on Sunday, Snowflake follows a session parameter), so the portable
    default counts days from a known Monday; DuckDB's date_trunc is ISO. -#}
{% macro week_start_date(date_expression) -%}
    {{ return(adapter.dispatch('week_start_date', 'msgwh')(date_expression)) }}
{%- endmacro %}


{#- 1900-01-01 was a Monday: step back by the days since the last Monday. -#}
{% macro default__week_start_date(date_expression) -%}
    {%- set days_since_monday = 'mod(' ~ dbt.datediff("cast('1900-01-01' as date)", date_expression, 'day') ~ ', 7)' -%}
    cast({{ dbt.dateadd('day', '-1 * ' ~ days_since_monday, date_expression) }} as date)
{%- endmacro %}


{#- DuckDB truncates to the ISO week, which starts on Monday. -#}
{% macro duckdb__week_start_date(date_expression) -%}
    cast({{ dbt.date_trunc('week', date_expression) }} as date)
{%- endmacro %}
