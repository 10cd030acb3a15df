{#- "This run" models (docs/DECISIONS.md, "What a run writes is a model"): a table rebuilt
    by every run, `int_<mart>_this_run` for the mart `fct_<mart>` named by its meta
    `this_run_of`, holding the rows the mart writes this run (all of them on a full build;
    on an incremental run the keys new data can change, with a tombstone for a key that
    went), each with the values its stored row had, as `previous_<column>` for the columns
    of meta `previous_columns`. The mart merges it; the models that recompute from the
    mart's changes read it instead of a log. -#}

{#- The this-run model of the mart `writer`. -#}
{% macro this_run_model(writer) -%}
    {{ return('int_' ~ writer.split('_', 1)[1] ~ '_this_run') }}
{%- endmacro %}


{#- In a this-run model: the mart's stored table when this run is incremental for the mart
    (its table exists and this is not --full-refresh), else none. Read before the mart
    merges (the mart refs this model), as an incremental model reads its own `this`; a
    look-up in dbt's relation cache, not a query of the data. -#}
{% macro this_run_stored_rows() -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set writer = model.config.meta.get('this_run_of') -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == writer -%}
        {{ return(load_relation(api.Relation.create(
            database=node.database, schema=node.schema, identifier=node.alias or node.name, type='table'
        ))) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("meta this_run_of names no model: " ~ writer) }}
{%- endmacro %}


{#- The closing select of a this-run model: the rows of `final_cte`, plus on an incremental
    run (`stored` not none) a tombstone for each key of `affected_cte` no longer produced,
    each with the previous values of `previous_columns` from `stored` (null for a new key;
    on a full build every row is new). -#}
{% macro select_this_run(final_cte, affected_cte, key_columns, previous_columns, stored) -%}
    {%- set stored_rows = stored if stored is not none else '(select * from ' ~ final_cte ~ ' where false)' -%}
    {%- if stored is not none -%},

tombstones as (
    {{ incremental_tombstones(affected_cte, final_cte, key_columns, stored) }}
)
    {%- endif %},

rows_this_run as (
    select * from {{ final_cte }}
    {%- if stored is not none %}
    union all
    select * from tombstones
    {%- endif %}
)

select
    rows_this_run.*,
    {%- for column in previous_columns %}
    stored_rows.{{ column }} as previous_{{ column }}{% if not loop.last %},{% endif %}
    {%- endfor %}
from rows_this_run
left join {{ stored_rows }} as stored_rows
    on
    {%- for key in key_columns %}
        {% if not loop.first %}and {% endif %}rows_this_run.{{ key }} = stored_rows.{{ key }}
    {%- endfor %}
{%- endmacro %}


{#- For a model that recomputes from the changes of the mart `writer`: whether it must
    recompute everything, as SQL: it has not processed the mart's last run (it missed a
    run, or has no watermark), so the previous values of this run are not the ones it saw. -#}
{% macro recomputes_everything(writer) -%}
    ({{ incremental_watermark() }} < {{ incremental_watermark(writer) }})
{%- endmacro %}


{#- A select of `columns` of the rows the mart `writer` writes this run (weight 1) and of
    the rows they replace (weight -1), a side kept where `marker_column` (never null in a
    real row) is set and `filter` holds; `filter` may name any of the previous columns. -#}
{% macro row_versions_this_run(writer, columns, marker_column, filter='true') -%}
    {%- set this_run = this_run_model(writer) -%}
    {%- set previous_columns = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.name == this_run -%}
        {%- do previous_columns.extend(node.config.meta.get('previous_columns', [])) -%}
    {%- endfor -%}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        weight
    from (
        select
            {%- for column in previous_columns %}
            {{ column }},
            {%- endfor %}
            1 as weight
        from {{ ref(this_run) }}
        where {{ marker_column }} is not null
        union all
        select
            {%- for column in previous_columns %}
            previous_{{ column }} as {{ column }},
            {%- endfor %}
            -1 as weight
        from {{ ref(this_run) }}
        where previous_{{ marker_column }} is not null
    ) as row_versions
    where {{ filter }}
{%- endmacro %}


{#- For an incremental model that recomputes groups (`group_columns`) from the rows of the
    mart `writer`: a CTE body of the groups of the rows written or replaced this run that
    match `filter` (null groups left out: a tombstone is in no group); every group of the
    mart and of the model's stored rows when it must recompute everything
    (recomputes_everything).
    `net_of`: columns that alone decide the model's value of a group, with the group
    columns (a distinct count's column, say); a group is then changed only when the run
    changes how many rows have some value of them: a row rewritten with the same values
    leaves the group as it was. -#}
{% macro groups_changed_this_run(writer, marker_column, group_columns, filter='true', net_of=[]) -%}
    {%- set group_list = group_columns | join(', ') -%}
    {%- set not_null = [] -%}
    {%- for column in group_columns -%}{%- do not_null.append(column ~ ' is not null') -%}{%- endfor -%}
    select distinct {{ group_list }}
    from ({{ row_versions_this_run(writer, group_columns + net_of, marker_column, filter) }}) as versions
    where {{ not_null | join(' and ') }}
    {%- if net_of %}
    group by {{ (group_columns + net_of) | join(', ') }}
    having sum(weight) <> 0
    {%- endif %}
    union
    select {{ group_list }} from {{ ref(writer) }}
    where {{ recomputes_everything(writer) }} and {{ filter }} and {{ not_null | join(' and ') }}
    union
    select {{ group_list }} from {{ this }}
    where {{ recomputes_everything(writer) }}
{%- endmacro %}
