{#- The first day of the month of `date_expression`, as a date. -#}
{% macro month_start_date(date_expression) -%}
    cast({{ dbt.date_trunc('month', date_expression) }} as date)
{%- endmacro %}
