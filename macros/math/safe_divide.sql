{#- A ratio that is null when the denominator is 0 or null: never infinite,
    never a made-up 0 (docs/attribution.md#ratios). Both sides are cast to a double-precision float
    so integer counts divide as fractions on every engine. -#}
{% macro safe_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('safe_divide', 'msgwh')(numerator, denominator)) }}
{%- endmacro %}


{% macro default__safe_divide(numerator, denominator) -%}
    {{ msgwh.safe_divide_as(numerator, denominator, dbt.type_float()) }}
{%- endmacro %}


{#- DuckDB's and Spark's `float` is single precision: use `double`. -#}
{% macro duckdb__safe_divide(numerator, denominator) -%}
    {{ msgwh.safe_divide_as(numerator, denominator, 'double') }}
{%- endmacro %}


{% macro spark__safe_divide(numerator, denominator) -%}
    {{ msgwh.safe_divide_as(numerator, denominator, 'double') }}
{%- endmacro %}


{% macro safe_divide_as(numerator, denominator, float_type) -%}
    (
        cast({{ numerator }} as {{ float_type }})
        / nullif(cast({{ denominator }} as {{ float_type }}), 0)
    )
{%- endmacro %}
