{#- A select-list expression that turns the `delimiter`-separated string `column`
    into one row per element (null or empty: no rows). Used for an order's
    `discount_codes` (SPEC §4); callers trim and drop empty elements. -#}
{% macro split_to_rows(column, delimiter=',') -%}
    {{ return(adapter.dispatch('split_to_rows', 'msgwh')(column, delimiter)) }}
{%- endmacro %}


{% macro default__split_to_rows(column, delimiter=',') -%}
    unnest(string_to_array({{ column }}, '{{ delimiter }}'))
{%- endmacro %}


{% macro duckdb__split_to_rows(column, delimiter=',') -%}
    unnest(string_split({{ column }}, '{{ delimiter }}'))
{%- endmacro %}


{#- Spark and Databricks: split takes a regular expression; the delimiter is quoted. -#}
{% macro spark__split_to_rows(column, delimiter=',') -%}
    explode(split({{ column }}, '\\Q{{ delimiter }}\\E'))
{%- endmacro %}
