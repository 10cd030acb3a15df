{#- The relation a staging model reads a raw table from (docs/contract.md#where-raw-data-is-read-from).

    Without var('raw_path') this is source('raw', table_name): the table in
    var('raw_database', target.database).var('raw_schema', 'raw').
    With raw_path set, the table is read from files: <raw_path>/<table>.parquet,
    <raw_path>/<table>.csv or a folder <raw_path>/<table>/ of Parquet files,
    whichever exists (checked in that order). The source() call always happens
    so that lineage and docs stay intact. While var('demo_seeds') is true (the
    default) the demo seed of the same name is a parent too, so that `dbt build`
    loads the seeds before staging reads them; set it false for real data. -#}
{% macro raw_source(table_name) -%}
    {%- set relation = source('raw', table_name) -%}
    {%- set raw_path = var('raw_path', '') -%}
    {%- if not raw_path and var('demo_seeds', true) -%}
        {#- the demo seeds are the raw tables: dbt build loads them first -#}
        {%- set seed_relation = ref(table_name) -%}
    {%- endif -%}
    {%- if raw_path and execute -%}
        {{ return(adapter.dispatch('raw_file_relation', 'msgwh')(raw_path, table_name)) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}


{% macro default__raw_file_relation(raw_path, table_name) -%}
    {{ exceptions.raise_compiler_error(
        "var('raw_path') is only supported on DuckDB; on " ~ target.type
        ~ " load the files into var('raw_schema') and leave raw_path empty."
    ) }}
{%- endmacro %}


{% macro duckdb__raw_file_relation(raw_path, table_name) -%}
    {%- set pattern = raw_file_pattern(table_name) -%}
    {%- if pattern is none -%}
        {%- set base = raw_path.rstrip('/') ~ '/' ~ table_name -%}
        {{ exceptions.raise_compiler_error(
            "raw table '" ~ table_name ~ "' not found under raw_path " ~ raw_path
            ~ " (looked for " ~ table_name ~ ".parquet, " ~ table_name ~ ".csv, " ~ table_name ~ "/*.parquet)"
        ) }}
    {%- endif -%}
    {{ return(raw_file_reader(table_name, [pattern])) }}
{%- endmacro %}
