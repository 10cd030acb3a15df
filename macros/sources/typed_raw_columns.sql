{#- The columns of a raw table cast to their contract types (macros/sources/raw_contract.sql),
    plus `invalid_value_reason`: 'invalid_<column>' for the first column whose raw
    value is present but does not cast (text in a number column of a CSV, say).
    A text value that is blank (empty or only spaces) is null, so a blank id is a
    missing id. -#}
{% macro typed_raw_columns(table_name) -%}
    {%- set columns = raw_contract()[table_name] -%}
    {%- set checked = columns | rejectattr(1, 'equalto', 'varchar') | list -%}
    {%- for column, data_type in columns %}
        {{ typed_raw_value(column, data_type) }} as {{ column }},
    {%- endfor %}
    {%- if checked %}
        case
        {%- for column, data_type in checked %}
            when {{ column }} is not null and {{ dbt.safe_cast(column, data_type) }} is null
                then 'invalid_{{ column }}'
        {%- endfor %}
        end as invalid_value_reason
    {%- else %}
        cast(null as {{ dbt.type_string() }}) as invalid_value_reason
    {%- endif %}
{%- endmacro %}


{#- One raw column cast to its contract type; a blank text is null. -#}
{% macro typed_raw_value(column, data_type) -%}
    {%- if data_type == 'varchar' -%}
        case
            when trim({{ dbt.safe_cast(column, dbt.type_string()) }}) = '' then null
            else {{ dbt.safe_cast(column, dbt.type_string()) }}
        end
    {%- else -%}
        {{ dbt.safe_cast(column, data_type) }}
    {%- endif -%}
{%- endmacro %}


{#- The typed rows a staging base table checks: what incremental_raw_scope's `source`
    holds, typed; in `delta` mode with `stored_versions`, also the stored versions of
    the keys in scope, as typed when their files were read. A stored rejection
    'invalid_<column>' comes only from typing (the first check of every base table),
    so it is that row's `invalid_value_reason` again. -#}
{% macro typed_raw_rows(table_name, raw_scope) -%}
    select {{ typed_raw_columns(table_name) }}
    from {{ raw_scope.source }} as source
    {%- if raw_scope.get('stored_rows') %}
    union all
    select
    {%- for column, data_type in raw_contract()[table_name] %}
        stored.{{ column }},
    {%- endfor %}
        {%- set invalid = [] -%}
        {%- for column, data_type in raw_contract()[table_name] | rejectattr(1, 'equalto', 'varchar') -%}
            {%- do invalid.append("'invalid_" ~ column ~ "'") -%}
        {%- endfor %}
        {%- if invalid %}
        case
            when stored.rejection_reason in ({{ invalid | join(', ') }}) then stored.rejection_reason
        end as invalid_value_reason
        {%- else %}
        cast(null as {{ dbt.type_string() }}) as invalid_value_reason
        {%- endif %}
    from {{ raw_scope.stored_rows }} as stored
    {%- endif %}
{%- endmacro %}
