{#- A select-list expression that turns the `delimiter`-separated string `column`
    into one row per element (null or empty: no rows). Used for an order's
    `discount_codes` (docs/attribution.md#coupon); callers trim and drop empty elements. -#}
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


{#- docs/attribution.md#coupon: an order's discount codes as the coupon match compares them: one row per
    distinct (order, code), split on commas, trimmed, lower case, empty ones dropped;
    with the orders' `extra_columns` carried along. -#}
{% macro normalized_order_codes(orders, extra_columns=[]) -%}
    select distinct
        workspace_id,
        order_id,
        lower(trim(raw_code)) as coupon_code
        {%- for column in extra_columns %},
        {{ column }}
        {%- endfor %}
    from (
        select
            workspace_id,
            order_id,
            {%- for column in extra_columns %}
            {{ column }},
            {%- endfor %}
            {{ split_to_rows('discount_codes') }} as raw_code
        from {{ orders }}
        where discount_codes is not null
    ) as order_codes
    where nullif(trim(raw_code), '') is not null
{%- endmacro %}
