{#- A CTE body for an incremental run: one tombstone per affected key that `final_cte`
    no longer produces (an order rejected, a message whose events all went), with every
    column of the model null but its keys, in the column order of `stored` (the model's
    own table by default). The model's merge deletes the key's stored row for it and
    inserts nothing (tombstone_merge_clauses). -#}
{% macro incremental_tombstones(affected_cte, final_cte, key_columns, stored=none) -%}
    select
        {%- for column in adapter.get_columns_in_relation(stored or this) %}
        {%- if column.name in key_columns %}
        {{ affected_cte }}.{{ column.name }}
        {%- else %}
        cast(null as {{ column.data_type }}) as {{ column.name }}
        {%- endif %}
        {%- if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ affected_cte }}
    left join {{ final_cte }}
        on
        {%- for key in key_columns %}
            {% if not loop.first %}and {% endif %}{{ affected_cte }}.{{ key }} = {{ final_cte }}.{{ key }}
        {%- endfor %}
    where {{ final_cte }}.{{ key_columns[0] }} is null
{%- endmacro %}


{#- A select of the distinct `key_columns` of the rows of base table `base_model` loaded
    after this model's watermark (every version of a row that changed since its last run). -#}
{% macro keys_loaded_since_watermark(base_model, key_columns) -%}
    select distinct
        {{ key_columns | join(', ') }}
    from {{ ref(base_model) }}
    where _loaded_at > {{ incremental_watermark() }}
{%- endmacro %}


{#- The messages (workspace_id, message_id) whose row or events changed since
    `watermark`: keys of base rows of messages and message events loaded after it.
    A message keeps its key across versions, and an event that moved to another
    message has a new version naming it, so both messages are reached. -#}
{% macro message_changes_since(watermark) -%}
    select
        workspace_id,
        message_id
    from {{ ref('base_raw__messages') }}
    where _loaded_at > {{ watermark }}
    union
    select
        workspace_id,
        message_id
    from {{ ref('base_raw__message_events') }}
    where _loaded_at > {{ watermark }} and message_id is not null
{%- endmacro %}


{#- The row of `relation` has its key in `affected_cte`: a row-value `in`, which
    engines run as a plain semi join (a correlated `exists` costs a delim join on
    null-safe equality in DuckDB, about 5x slower on millions of events). -#}
{% macro in_affected_keys(affected_cte, relation, key_columns) -%}
    ({% for key in key_columns %}{{ relation }}.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}) in (
        select
        {%- for key in key_columns %}
            {{ affected_cte }}.{{ key }}{% if not loop.last %},{% endif %}
        {%- endfor %}
        from {{ affected_cte }}
    )
{%- endmacro %}


{#- The closing select of a model incremental by key: on an incremental run the
    recomputed rows of `final_cte` plus a tombstone for each affected key no longer
    produced (incremental_tombstones), after a `,`; otherwise `final_cte`. -#}
{% macro select_with_tombstones(final_cte, affected_cte, key_columns) -%}
    {%- if is_incremental() -%},

tombstones as (
    {{ incremental_tombstones(affected_cte, final_cte, key_columns) }}
)

select * from {{ final_cte }}
union all
select * from tombstones
    {%- else %}

select * from {{ final_cte }}
    {%- endif %}
{%- endmacro %}


{#- A select of the keys whose row in `current_cte` differs from the model's stored row
    (only stored rows matching `stored_filter`) in any of `compare_columns`, or exists on
    one side only: a small input compared in full with what the model (or `stored`) holds. -#}
{% macro keys_differing_from_stored(current_cte, stored_filter, key_columns, compare_columns, stored=none) -%}
    select
        {%- for key in key_columns %}
        coalesce({{ current_cte }}.{{ key }}, stored_rows.{{ key }}) as {{ key }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from {{ current_cte }}
    full outer join (
        select
            {%- for column in key_columns + compare_columns %}
            {{ column }}{% if not loop.last %},{% endif %}
            {%- endfor %}
        from {{ stored or this }}
        where {{ stored_filter }}
    ) as stored_rows
        on
        {%- for key in key_columns %}
            {% if not loop.first %}and {% endif %}{{ current_cte }}.{{ key }} = stored_rows.{{ key }}
        {%- endfor %}
    where
    {%- for column in compare_columns %}
        {% if not loop.first %}or {% endif %}{{ current_cte }}.{{ column }} is distinct from stored_rows.{{ column }}
    {%- endfor %}
{%- endmacro %}


{#- The built-in merge strategy's clauses for a model that writes tombstones (a key whose
    `marker_column`, never null in a real row, is null): a tombstone deletes its key's
    stored row and is never inserted; any other row replaces or adds its key's row. -#}
{% macro tombstone_merge_clauses(marker_column) -%}
    {%- set tombstone = 'DBT_INTERNAL_SOURCE.' ~ marker_column ~ ' is null' -%}
    {{ return({
        'when_matched': [
            {'condition': tombstone, 'action': 'delete'},
            {'action': 'update', 'mode': 'by_name'},
        ],
        'when_not_matched': [
            {'condition': 'not (' ~ tombstone ~ ')', 'action': 'insert', 'mode': 'by_name'},
        ],
    }) }}
{%- endmacro %}
