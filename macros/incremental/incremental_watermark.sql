{#- The timestamp of this dbt invocation, stamped on rows as `_loaded_at`. -#}
{% macro incremental_run_timestamp() -%}
    cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{#- Where each incremental model records the run it last processed up to: a small
    table in the intermediate schema (never in marts, which BI reads). -#}
{% macro incremental_watermark_relation() -%}
    {{ return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name('intermediate', none),
        identifier='incremental_watermarks',
        type='table'
    )) }}
{%- endmacro %}


{#- The last run this model processed (a SQL timestamp literal). With no record,
    the beginning of time: every tracked row counts as new, which is always exact. -#}
{% macro incremental_watermark() -%}
    {%- set fallback = "cast('1900-01-01' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- if not execute -%}
        {{ return(fallback) }}
    {%- endif -%}
    {%- set relation = incremental_watermark_relation() -%}
    {%- if load_relation(relation) is none -%}
        {{ return(fallback) }}
    {%- endif -%}
    {%- set result = run_query(
        "select cast(max(processed_until) as " ~ dbt.type_string() ~ ") from " ~ relation
        ~ " where model_name = '" ~ this.identifier ~ "'"
    ) -%}
    {%- set value = result.columns[0].values()[0] -%}
    {%- if value is none -%}
        {{ return(fallback) }}
    {%- endif -%}
    {{ return("cast('" ~ value ~ "' as " ~ dbt.type_timestamp() ~ ")") }}
{%- endmacro %}


{#- Post-hook: record that this model has processed everything loaded up to this run.
    Runs inside the model's transaction, so a failed run records nothing. The table
    exists from on-run-start (create_incremental_watermarks). -#}
{% macro record_incremental_watermark() -%}
    {%- set relation = incremental_watermark_relation() -%}
    delete from {{ relation }} where model_name = '{{ this.identifier }}';
    insert into {{ relation }} (model_name, processed_until)
    values ('{{ this.identifier }}', {{ incremental_run_timestamp() }})
{%- endmacro %}


{#- on-run-start: the watermark table exists before any model runs (created here, not by
    concurrent models). -#}
{% macro create_incremental_watermarks() -%}
    {%- set watermarks = incremental_watermark_relation() -%}
    create schema if not exists {{ watermarks.without_identifier() }};
    create table if not exists {{ watermarks }} (
        model_name {{ dbt.type_string() }},
        processed_until {{ dbt.type_timestamp() }}
    )
{%- endmacro %}
