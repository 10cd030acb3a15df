{#- dbt.safe_cast on DuckDB: dbt-duckdb falls back to dbt's default (a plain cast,
    which fails the whole build on one bad value). DuckDB's try_cast yields null
    instead, which staging records as `invalid_<column>` (typed_raw_columns). -#}
{% macro duckdb__safe_cast(field, type) -%}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}
