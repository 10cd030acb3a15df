{#- Whether the whole text of `expression` matches the regular expression `pattern`.
    Keep patterns to what RE2 (DuckDB) and Java (Spark) read alike: [0-9], not
    POSIX classes such as [:space:], which Java reads as a set of letters. -#}
{% macro matches_pattern(expression, pattern) -%}
    {{ return(adapter.dispatch('matches_pattern', 'msgwh')(expression, pattern)) }}
{%- endmacro %}


{% macro default__matches_pattern(expression, pattern) -%}
    {{ expression }} rlike '^({{ pattern }})$'
{%- endmacro %}


{% macro duckdb__matches_pattern(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}
