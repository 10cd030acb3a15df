{#- A UTC `timestamp` (without time zone) as wall-clock time in the IANA zone
    `timezone` (a column or a quoted literal). DST is handled by the engine. -#}
{% macro to_local_timestamp(utc_timestamp, timezone) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'msgwh')(utc_timestamp, timezone)) }}
{%- endmacro %}


{% macro default__to_local_timestamp(utc_timestamp, timezone) -%}
    from_utc_timestamp({{ utc_timestamp }}, {{ timezone }})
{%- endmacro %}


{% macro duckdb__to_local_timestamp(utc_timestamp, timezone) -%}
    timezone({{ timezone }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}


{#- The local calendar date of a UTC timestamp in the zone `timezone`. -#}
{% macro to_local_date(utc_timestamp, timezone) -%}
    cast({{ to_local_timestamp(utc_timestamp, timezone) }} as date)
{%- endmacro %}
