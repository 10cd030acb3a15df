{#- The last run each downstream incremental model processed (docs/DECISIONS.md, "Each
    downstream incremental model keeps its own watermark"): this run, for every watermarked
    model this invocation selected. It runs after them all, so a run where one of them
    fails (or a test of one fails in `dbt build`) advances none, and the next run reprocesses
    from the earlier watermark, which is exact. The models read it by name
    (incremental_watermark): a ref would be a cycle. -#}
{%- for name in incremental_watermarked_models() %}
-- depends_on: {{ ref(name) }}
{%- endfor %}
{%- if execute %}
{%- for node in graph.nodes.values() -%}
    {%- if node.resource_type == 'model' and node.config.materialized == 'incremental'
        and not node.name.startswith('base_raw__') and node.name != this.name
        and node.name not in incremental_watermarked_models() -%}
        {{ exceptions.raise_compiler_error(
            node.name ~ " is incremental but not in incremental_watermarked_models(): it would never record a watermark") }}
    {%- endif -%}
{%- endfor %}
{%- endif %}
{%- set processed = [] -%}
{%- for name in incremental_watermarked_models() if 'model.' ~ project_name ~ '.' ~ name in selected_resources -%}
{%- do processed.append(name) -%}
{%- endfor %}

with

processed as (
    {%- for name in processed %}
    select
        '{{ name }}' as model_name,
        {{ incremental_run_timestamp() }} as processed_until
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- else %}
    select
        cast(null as {{ dbt.type_string() }}) as model_name,
        cast(null as {{ dbt.type_timestamp() }}) as processed_until
    where false
    {%- endfor %}
)

select * from processed
