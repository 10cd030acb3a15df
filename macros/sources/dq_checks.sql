{#- Shared data-quality checks, each a `when ... then '<reason>'` branch for the
    `case` that names a raw row's rejection reason (docs/DECISIONS.md lists them). -#}

{#- The instant after which a timestamp is "in the future": var('dq_as_of') or the
    build's current time, plus var('dq_future_tolerance_hours') of clock skew. -#}
{% macro dq_future_cutoff() -%}
    {%- set as_of = var('dq_as_of', '') -%}
    {%- if as_of -%}
        {%- set base = "cast('" ~ as_of ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- else -%}
        {%- set base = "cast(" ~ dbt.current_timestamp() ~ " as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- endif -%}
    {{ dbt.dateadd('hour', var('dq_future_tolerance_hours', 24), base) }}
{%- endmacro %}


{#- A required timestamp: null, in the future, or before var('dq_min_timestamp'). -#}
{% macro dq_timestamp_checks(column, required=true) -%}
    {%- set name = column.split('.')[-1] -%}
    {%- if required %}
            when {{ column }} is null then 'null_{{ name }}'
    {%- endif %}
            when {{ column }} > {{ dq_future_cutoff() }} then 'future_{{ name }}'
            when {{ column }} < cast('{{ var("dq_min_timestamp", "2000-01-01") }}' as {{ dbt.type_timestamp() }})
                then '{{ name }}_too_old'
{%- endmacro %}


{#- Required ids: one `null_<id>` branch per column. -#}
{% macro dq_required_checks(columns) -%}
    {%- for column in columns %}
            when {{ column }} is null then 'null_{{ column.split('.')[-1] }}'
    {%- endfor %}
{%- endmacro %}


{#- A money amount: null, negative, or beyond var('dq_max_amount'). -#}
{% macro dq_amount_checks(column, required=true) -%}
    {%- set name = column.split('.')[-1] -%}
    {%- if required %}
            when {{ column }} is null then 'null_{{ name }}'
    {%- endif %}
            when {{ column }} < 0 then 'negative_{{ name }}'
            when {{ column }} > {{ var('dq_max_amount', 1000000) }} then '{{ name }}_out_of_range'
{%- endmacro %}


{#- A value outside its enumeration (docs/contract.md#enumerations). -#}
{% macro dq_enum_check(column, allowed, required=true) -%}
    {%- set name = column.split('.')[-1] -%}
    {%- if required %}
            when {{ column }} is null then 'null_{{ name }}'
    {%- endif %}
            when {{ column }} not in ('{{ allowed | join("', '") }}') then 'unknown_{{ name }}_value'
{%- endmacro %}
