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


{#- What a generic test on a staged table (`stg_raw__<table>`) reads in an incremental
    `dbt build` with var('data_tests_scope') 'changed' (the default), or none for the
    whole relation. Base tables stamp each row version with `_loaded_at`, and the
    staged view is the base table's usable rows, column for column (a pytest checks
    this), so:
    - a row-level test reads the usable base rows loaded by this run;
    - a uniqueness test reads the staged rows whose tested values equal those of a
      row loaded by this run, and those with a null tested value: every group that
      gained or changed a row (other groups did not change since they were tested).
    Whole relations: full refreshes, `dbt test`, other tests (sums, singular tests),
    other models, and stg_raw__fx_rates (derived rates, not a projection). -#}
{% macro changed_rows_for_test(relation) -%}
    {%- if not execute or flags.WHICH != 'build' or flags.FULL_REFRESH
        or var('data_tests_scope', 'changed') != 'changed' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set identifier = relation.identifier | default('', true) -%}
    {%- if not identifier.startswith('stg_raw__') or identifier == 'stg_raw__fx_rates' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set metadata = model.get('test_metadata') or {} -%}
    {%- set test_name = metadata.get('name') -%}
    {%- set base = api.Relation.create(
        database=relation.database, schema=relation.schema,
        identifier='base_raw__' ~ identifier[('stg_raw__' | length):], type='table'
    ) -%}
    {%- set loaded = "select * from " ~ base ~ " where rejection_reason is null and _loaded_at = "
        ~ incremental_run_timestamp() -%}
    {%- if test_name in row_level_tests() -%}
        {{ return("(" ~ loaded ~ ")") }}
    {%- endif -%}
    {%- set columns_argument = uniqueness_tests().get(test_name) -%}
    {%- if columns_argument -%}
        {%- set columns = metadata.get('kwargs', {}).get(columns_argument) -%}
        {%- set columns = [columns] if columns is string else columns -%}
        {%- if columns -%}
            {#- rows with a null tested value too: the test groups nulls together -#}
            {%- set with_null = [] -%}
            {%- for column in columns -%}{%- do with_null.append(column ~ " is null") -%}{%- endfor -%}
            {{ return(
                "(select * from " ~ relation ~ " where (" ~ columns | join(', ') ~ ") in (select "
                ~ columns | join(', ') ~ " from (" ~ loaded ~ ") as loaded_this_run) or "
                ~ with_null | join(' or ') ~ ")"
            ) }}
        {%- endif -%}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}
