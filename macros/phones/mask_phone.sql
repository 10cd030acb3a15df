{#- A phone in marts: `+<country code>***<last four digits>` (docs/attribution.md#contacts-and-pii, dim_contacts). -#}
{% macro mask_phone(phone_e164) -%}
    {{ return(adapter.dispatch('mask_phone', 'msgwh')(phone_e164)) }}
{%- endmacro %}


{% macro duckdb__mask_phone(phone_e164) -%}
    msgwh_mask_phone({{ phone_e164 }})
{%- endmacro %}


{#- Portable fallback: without a number plan the country code is taken as the
    digits before the last ten, one to three of them. That is right for markets
    with ten-digit national numbers (US, IN, BR, GB mobiles) and shows one or two
    national digits too many elsewhere; the last four digits and the masking hold. -#}
{% macro default__mask_phone(phone_e164) -%}
    case
        when {{ phone_e164 }} is null then null
        else substring({{ phone_e164 }}, 1, least(greatest(length({{ phone_e164 }}) - 10, 2), 4))
            || '***' || right({{ phone_e164 }}, 4)
    end
{%- endmacro %}
