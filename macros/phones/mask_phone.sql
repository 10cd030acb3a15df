{#- A phone in marts: `+<country code>***<last four digits>` (SPEC §7, dim_contacts). -#}
{% macro mask_phone(phone_e164) -%}
    {{ return(adapter.dispatch('mask_phone', 'msgwh')(phone_e164)) }}
{%- endmacro %}


{% macro duckdb__mask_phone(phone_e164) -%}
    msgwh_mask_phone({{ phone_e164 }})
{%- endmacro %}


{#- Portable fallback: without a number plan the country code is taken as the
    digits before the last ten (at most three), which is right for the plans of
    most markets with ten-digit national numbers. -#}
{% macro default__mask_phone(phone_e164) -%}
    case
        when {{ phone_e164 }} is null then null
        else substring({{ phone_e164 }}, 1, greatest(length({{ phone_e164 }}) - 10, 2))
            || '***' || right({{ phone_e164 }}, 4)
    end
{%- endmacro %}
