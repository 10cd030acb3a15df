{#- The columns of a raw table cast to their contract types (macros/sources/raw_contract.sql),
    plus `invalid_value_reason`: 'invalid_<column>' for the first column whose raw
    value is present but does not cast exactly (typed_raw_value). A text value that
    is blank (empty or only spaces) is null, so a blank id is a missing id. -#}
{% macro typed_raw_columns(table_name) -%}
    {%- set columns = raw_contract()[table_name] -%}
    {%- set checked = columns | rejectattr(1, 'equalto', 'varchar') | list -%}
    {%- for column, data_type in columns %}
        {{ typed_raw_value(column, data_type) }} as {{ column }},
    {%- endfor %}
    {%- if checked %}
        case
        {%- for column, data_type in checked %}
            when {{ column }} is not null and {{ typed_raw_value(column, data_type) }} is null
                then 'invalid_{{ column }}'
        {%- endfor %}
        end as invalid_value_reason
    {%- else %}
        cast(null as {{ dbt.type_string() }}) as invalid_value_reason
    {%- endif %}
{%- endmacro %}


{#- One raw column cast to its contract type, or null when it does not cast exactly.
    Engines' casts round (5.5 -> 6 for an integer, 19.999 -> 20.00 for money), drop a
    time zone offset or truncate digits, so the value's text must first have the exact
    shape of its type (docs/contract.md#bad-input): an integer has no fraction, money no
    more places than its scale, a timestamp no offset but UTC and no digits past the
    microsecond, a date no time of day, a boolean one of true/false/t/f/yes/no/y/n/1/0.
    A blank text is null. -#}
{% macro typed_raw_value(column, data_type) -%}
    {%- set text = 'trim(' ~ dbt.safe_cast(column, dbt.type_string()) ~ ')' -%}
    {%- if data_type == 'varchar' -%}
        case
            when {{ text }} = '' then null
            else {{ dbt.safe_cast(column, dbt.type_string()) }}
        end
    {%- else -%}
        case
            {%- if data_type != 'double' %}
            {#- a file column of the contract type already is exact (a double may hold nan) #}
            when {{ is_raw_value_of_type(column, data_type) }} then {{ dbt.safe_cast(column, data_type) }}
            {%- endif %}
            {%- if data_type == 'boolean' %}
            when lower({{ text }}) in ('true', 't', 'yes', 'y', '1') then true
            when lower({{ text }}) in ('false', 'f', 'no', 'n', '0') then false
            {%- else %}
            {#- cast the checked text, not the value: a file's double 360287970189641.0 casts
                to the money 360287970189640.96, its text exactly #}
            when {{ matches_pattern(text, exact_text_pattern(data_type)) }}
                {%- if data_type == 'double' %}
                {#- an exponent past the type's range casts to infinity #}
                and abs({{ dbt.safe_cast(text, data_type) }}) <= 1.7976931348623157e308
                {%- endif %}
                then {{ dbt.safe_cast(text, data_type) }}
            {%- endif %}
        end
    {%- endif -%}
{%- endmacro %}


{#- Whether a raw column already has the contract type, so its text need not be checked.
    On DuckDB typeof() is known when the query is planned, so the check costs nothing per
    row (a text check costs about 0.25 s per million values); other engines check the text. -#}
{% macro is_raw_value_of_type(column, data_type) -%}
    {{ return(adapter.dispatch('is_raw_value_of_type', 'msgwh')(column, data_type)) }}
{%- endmacro %}


{% macro default__is_raw_value_of_type(column, data_type) -%}
    false
{%- endmacro %}


{% macro duckdb__is_raw_value_of_type(column, data_type) -%}
    typeof({{ column }}) = '{{ data_type | upper }}'
{%- endmacro %}


{#- The regular expression (whole text, RE2 and Java alike) a raw value's text must
    match to cast exactly to `data_type`. -#}
{% macro exact_text_pattern(data_type) -%}
    {%- if data_type in ('integer', 'bigint') -%}
        {{ return('[+-]?[0-9]+([.]0*)?') }}
    {%- elif data_type.startswith('decimal(') -%}
        {%- set scale = data_type[8:-1].split(',')[1] | trim | int -%}
        {%- set places = '[0-9]{0,' ~ scale ~ '}0*' -%}
        {{ return('[+-]?([0-9]+([.]' ~ places ~ ')?|[.]' ~ places ~ ')') }}
    {%- elif data_type == 'double' -%}
        {{ return('[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?') }}
    {%- elif data_type == 'date' -%}
        {{ return('[0-9]{4}-[0-9]{2}-[0-9]{2}([ T]00:00(:00([.]0*)?)?)?') }}
    {%- elif data_type == 'timestamp' -%}
        {{ return(
            '[0-9]{4}-[0-9]{2}-[0-9]{2}([ T]([01][0-9]|2[0-3]):[0-9]{2}(:[0-9]{2}([.][0-9]{0,6}0*)?)?)?'
            ~ '(Z|[+-]00(:?00)?)?'
        ) }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("no exact-cast pattern for type " ~ data_type) }}
    {%- endif -%}
{%- endmacro %}


{#- The typed rows a staging base table checks, each with its `_raw_file_hash`: what
    incremental_raw_scope's `source` holds, typed; with `stored_versions`, also the stored
    versions of the keys in scope, as typed when their files were read. A stored rejection
    'invalid_<column>' comes only from typing (the first check of every base table),
    so it is that row's `invalid_value_reason` again. -#}
{% macro typed_raw_rows(table_name, raw_scope) -%}
    select
        {{ typed_raw_columns(table_name) }},
        source._raw_file_hash
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
        {%- endif %},
        stored._raw_file_hash
    from {{ raw_scope.stored_rows }} as stored
    {%- endif %}
{%- endmacro %}
