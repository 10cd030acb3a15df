{#- Whether `expression` names a time zone the engine can convert to; an unknown
    zone would make every local-date conversion of the workspace fail. -#}
{% macro is_known_timezone(expression) -%}
    {{ return(adapter.dispatch('is_known_timezone', 'msgwh')(expression)) }}
{%- endmacro %}


{#- Engines without a zone catalogue accept any IANA-shaped name. -#}
{% macro default__is_known_timezone(expression) -%}
    {{ expression }} rlike '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$'
{%- endmacro %}


{% macro duckdb__is_known_timezone(expression) -%}
    {{ expression }} in (select pg_timezone_names.name from pg_timezone_names())
{%- endmacro %}
