{#- docs/attribution.md#identity-stitching: e-mails compare after trim and lower-case. A blank or malformed
    address (no single '@' with a dotted domain) normalises to null. -#}
{% macro normalize_email(email) -%}
    case
        when {{ is_valid_email('lower(trim(' ~ email ~ '))') }}
            then lower(trim({{ email }}))
    end
{%- endmacro %}


{% macro is_valid_email(expression) -%}
    {{ return(adapter.dispatch('is_valid_email', 'msgwh')(expression)) }}
{%- endmacro %}


{% macro default__is_valid_email(expression) -%}
    {{ expression }} rlike '^[^@[:space:]]+@[^@[:space:]]+[.][^@[:space:]]+$'
{%- endmacro %}


{% macro duckdb__is_valid_email(expression) -%}
    regexp_full_match({{ expression }}, '[^@\s]+@[^@\s]+\.[^@\s]+')
{%- endmacro %}
