{#- dbt wraps the model of every generic test in this macro (dbt's own, overridden
    here): the test's `where` config as dbt does it, and in an incremental `dbt build`
    the rows of a staged table that this run loaded (changed_rows_for_test), as an
    unaliased subquery: tests alias their model (`from {{ model }} as child`). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set tested = changed_rows_for_test(relation) or relation -%}
    {%- if where -%}
        {{ return("(select * from " ~ tested ~ " where " ~ where ~ ") dbt_subquery") }}
    {%- endif -%}
    {{ return(tested) }}
{%- endmacro %}


{#- The generic tests that judge each row on its own, and the uniqueness tests. -#}
{% macro row_level_tests() -%}
    {{ return(['not_null', 'accepted_values', 'expression_is_true', 'relationships', 'related_in_workspace']) }}
{%- endmacro %}

{% macro uniqueness_tests() -%}
    {{ return({'unique': 'column_name', 'unique_combination_of_columns': 'combination_of_columns'}) }}
{%- endmacro %}


{#- Whether this is a build whose data tests may read only what the build wrote: an
    incremental `dbt build` (not --full-refresh; not `dbt test`, which runs later and sees
    no "rows of this run") with var('data_tests_scope') 'changed' (the default). -#}
{% macro tests_read_changed_rows() -%}
    {{ return(execute and flags.WHICH == 'build' and not flags.FULL_REFRESH
        and var('data_tests_scope', 'changed') == 'changed') }}
{%- endmacro %}


{#- What a generic test reads in an incremental `dbt build` with var('data_tests_scope')
    'changed' (the default), or none for the whole relation: the rows this run wrote, where
    the warehouse can tell which they are cheaply.
    - A staged table (`stg_raw__<table>`): base tables stamp each row version with
      `_loaded_at`, and the staged view is the base table's usable rows, column for column
      (a pytest checks this). A row-level test (row_level_tests) reads the usable base rows
      this run loaded; a uniqueness test reads the staged rows whose tested values equal
      those of a loaded row, and those with a null tested value: every group that gained
      or changed a row (other groups did not change since they were tested).
    Whole relations: full refreshes, `dbt test`, other tests (sums, singular tests), other
    models, and stg_raw__fx_rates (derived rates, not a projection). -#}
{% macro changed_rows_for_test(relation) -%}
    {%- if not tests_read_changed_rows() -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set identifier = relation.identifier | default('', true) -%}
    {%- set metadata = model.get('test_metadata') or {} -%}
    {%- set test_name = metadata.get('name') -%}
    {%- set columns_argument = uniqueness_tests().get(test_name) -%}
    {%- set columns = metadata.get('kwargs', {}).get(columns_argument) if columns_argument else none -%}
    {%- set columns = [columns] if columns is string else (columns or []) -%}
    {#- rows with a null tested value: the test groups nulls together; `in` matches none -#}
    {%- set with_null = [] -%}
    {%- for column in columns -%}{%- do with_null.append(column ~ " is null") -%}{%- endfor -%}

    {%- if identifier.startswith('stg_raw__') and identifier != 'stg_raw__fx_rates' -%}
        {%- set base = api.Relation.create(
            database=relation.database, schema=relation.schema,
            identifier='base_raw__' ~ identifier[('stg_raw__' | length):], type='table'
        ) -%}
        {%- set loaded = "select * from " ~ base ~ " where rejection_reason is null and _loaded_at = "
            ~ incremental_run_timestamp() -%}
        {%- if test_name in row_level_tests() -%}
            {{ return("(" ~ loaded ~ ")") }}
        {%- endif -%}
        {%- if columns -%}
            {{ return(
                "(select * from " ~ relation ~ " where (" ~ columns | join(', ') ~ ") in (select "
                ~ columns | join(', ') ~ " from (" ~ loaded ~ ") as loaded_this_run) or "
                ~ with_null | join(' or ') ~ ")"
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}
