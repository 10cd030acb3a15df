{#- A select with one row per row of `bounds` (a CTE or relation) and per day
    from its `start_date_column` to its `end_date_column`, both inclusive:
    the columns `key_columns` of `bounds` and `date_day` (a date). A row whose
    start is after its end gives no days. -#}
{% macro day_spine(bounds, key_columns, start_date_column, end_date_column) -%}
    {{ return(adapter.dispatch('day_spine', 'msgwh')(bounds, key_columns, start_date_column, end_date_column)) }}
{%- endmacro %}


{#- Portable: day offsets 0..99,999 (273 years) from a cross join of digits,
    kept up to each row's span. Plain SQL and dbt's date macros only. -#}
{% macro default__day_spine(bounds, key_columns, start_date_column, end_date_column) -%}
    {%- set places = ['ones', 'tens', 'hundreds', 'thousands', 'ten_thousands'] -%}
    select
        {%- for key_column in key_columns %}
        spine_bounds.{{ key_column }},
        {%- endfor %}
        cast({{ dbt.dateadd('day', 'day_offsets.day_offset', 'spine_bounds.' ~ start_date_column) }} as date) as date_day
    from {{ bounds }} as spine_bounds
    inner join (
        select
            {% for place in places -%}
            {{ place }}.digit * {{ 10 ** loop.index0 }}{% if not loop.last %} + {% endif %}
            {%- endfor %} as day_offset
        from
            {%- for place in places %}
            (
                select 0 as digit
                {%- for digit in range(1, 10) %}
                union all select {{ digit }} as digit
                {%- endfor %}
            ) as {{ place }}
            {%- if not loop.last %}
            cross join
            {%- endif %}
            {%- endfor %}
    ) as day_offsets
        on day_offsets.day_offset <= {{ dbt.datediff('spine_bounds.' ~ start_date_column, 'spine_bounds.' ~ end_date_column, 'day') }}
{%- endmacro %}


{#- DuckDB: generate_series over each row's own range, unnested. -#}
{% macro duckdb__day_spine(bounds, key_columns, start_date_column, end_date_column) -%}
    select
        {%- for key_column in key_columns %}
        spine_bounds.{{ key_column }},
        {%- endfor %}
        cast(
            unnest(
                generate_series(
                    cast(spine_bounds.{{ start_date_column }} as timestamp),
                    cast(spine_bounds.{{ end_date_column }} as timestamp),
                    interval 1 day
                )
            ) as date
        ) as date_day
    from {{ bounds }} as spine_bounds
{%- endmacro %}
