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


{#- The UTC quarter hour a timestamp falls in. Every UTC offset and daylight-saving
    switch since 1970 is a whole number of quarter hours, so all timestamps of one zone
    and one quarter hour share a local date: big tables convert each distinct
    (zone, quarter hour) once (local_date_lookup) instead of every row. -#}
{% macro utc_quarter_hour(utc_timestamp) -%}
    {{ return(adapter.dispatch('utc_quarter_hour', 'msgwh')(utc_timestamp)) }}
{%- endmacro %}


{% macro default__utc_quarter_hour(utc_timestamp) -%}
    {{ dbt.dateadd(
        'minute',
        '-1 * (cast(extract(minute from ' ~ utc_timestamp ~ ') as integer) % 15)',
        dbt.date_trunc('minute', utc_timestamp)
    ) }}
{%- endmacro %}


{% macro duckdb__utc_quarter_hour(utc_timestamp) -%}
    time_bucket(interval '15 minutes', {{ utc_timestamp }})
{%- endmacro %}


{#- A CTE body: the local date of every distinct UTC quarter hour of `timestamp_column`
    in `slots_from` in every distinct zone of `timezone_column` in `zones_from` (a few
    zones x a few thousand quarter hours); join it on `timezone` and
    `utc_quarter_hour = utc_quarter_hour(<timestamp>)`. -#}
{% macro local_date_lookup(slots_from, timestamp_column, zones_from, timezone_column) -%}
    select
        zones.timezone,
        quarter_hours.utc_quarter_hour,
        {{ to_local_date('quarter_hours.utc_quarter_hour', 'zones.timezone') }} as local_date
    from (
        select distinct {{ utc_quarter_hour(timestamp_column) }} as utc_quarter_hour
        from {{ slots_from }}
        where {{ timestamp_column }} is not null
    ) as quarter_hours
    cross join (
        select distinct {{ timezone_column }} as timezone
        from {{ zones_from }}
        where {{ timezone_column }} is not null
    ) as zones
{%- endmacro %}
