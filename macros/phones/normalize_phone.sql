{#- docs/attribution.md#identity-stitching: a phone normalised to E.164, parsed with `country_code` as the
    default region; null when it does not parse. DuckDB calls the Python UDF
    (phonenumbers, registered by msgwh.duckdb_plugin); other engines use a SQL
    approximation (see default__normalize_phone). -#}
{% macro normalize_phone(phone, country_code) -%}
    {{ return(adapter.dispatch('normalize_phone', 'msgwh')(phone, country_code)) }}
{%- endmacro %}


{% macro duckdb__normalize_phone(phone, country_code) -%}
    msgwh_normalize_phone({{ phone }}, {{ country_code }})
{%- endmacro %}


{#- Portable fallback: digits only; '+' or '00' means international, otherwise
    the country's calling code replaces one national trunk '0'. Lengths outside
    E.164's 8..15 digits do not parse. Knows the calling codes of the regions
    in msgwh_calling_codes(); numbers of other regions must be international. -#}
{% macro default__normalize_phone(phone, country_code) -%}
    {%- set trimmed = "trim(" ~ phone ~ ")" -%}
    {%- set digits = "regexp_replace(" ~ trimmed ~ ", '[^0-9]', '')" -%}
    case
        when {{ trimmed }} like '+%'
            then '+' || {{ digits }}
        when {{ digits }} like '00%'
            then '+' || substring({{ digits }}, 3)
        else {{ msgwh_calling_code(country_code) }} || regexp_replace({{ digits }}, '^0', '')
    end
{%- endmacro %}


{% macro msgwh_calling_code(country_code) -%}
    case upper(trim({{ country_code }}))
        {%- for region, code in [('US', '1'), ('CA', '1'), ('GB', '44'), ('DE', '49'), ('FR', '33'),
            ('ES', '34'), ('IT', '39'), ('NL', '31'), ('BR', '55'), ('IN', '91'), ('AU', '61'),
            ('MX', '52'), ('AT', '43'), ('CH', '41'), ('PT', '351'), ('IE', '353')] %}
        when '{{ region }}' then '+{{ code }}'
        {%- endfor %}
    end
{%- endmacro %}
