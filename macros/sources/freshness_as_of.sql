{#- Whether this build reads the demo seeds: they are loaded into raw_schema and no
    raw_path points elsewhere. -#}
{% macro is_demo_build() -%}
    {{ return(var('demo_seeds', true) | string | lower in ['true', '1', 'yes'] and not var('raw_path', '')) }}
{%- endmacro %}


{#- The instant freshness is judged at: now for real data; on the demo seeds, which end on a
    fixed day, var('demo_as_of') (the day after their last), so the demo is never stale. -#}
{% macro freshness_as_of() -%}
    {%- if is_demo_build() -%}
        cast('{{ var("demo_as_of") }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ dbt.current_timestamp() }}
    {%- endif -%}
{%- endmacro %}


{#- `dbt source freshness` as dbt runs it, with the age measured at freshness_as_of()
    instead of the database's clock, and rows stamped in the future (as staging rejects
    them: dq_future_cutoff) left out, so one such row cannot make a stale source look fresh. -#}
{% macro default__collect_freshness(source, loaded_at_field, filter) -%}
    {%- set cutoff = dbt.dateadd('hour', var('dq_future_tolerance_hours', 24), freshness_as_of()) -%}
    {% call statement('collect_freshness', fetch_result=True, auto_begin=False) -%}
        select
            max({{ loaded_at_field }}) as max_loaded_at,
            {{ freshness_as_of() }} as snapshotted_at
        from {{ source }}
        where {{ loaded_at_field }} <= {{ cutoff }}
        {%- if filter %}
            and ({{ filter }})
        {%- endif %}
    {%- endcall %}
    {{ return(load_result('collect_freshness')) }}
{%- endmacro %}
