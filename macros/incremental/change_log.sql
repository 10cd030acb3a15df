{#- A change log lets a model built from an incremental model recompute only the groups
    whose rows changed, *old versions included*: the merge replaces a row, so what it
    was before (another campaign, another contact, a message that disappeared) is gone
    once the model has run. The incremental strategy `merge_logged` writes, before
    it merges, the replaced rows (change_kind 'old') and their replacements
    ('new', tombstones included) to `intermediate.<model>__changes`, the columns listed
    in the model's meta `change_log_columns`, stamped with this run (logged_at). A full rebuild logs one 'rebuilt' row
    instead (post-hook log_rebuild_for_readers): readers then recompute everything.
    Readers (meta `change_log_readers`) read the rows logged after their own watermark;
    rows every reader has processed are deleted by the next logging run. The data tests
    of an incremental `dbt build` read the rows logged as new by this run
    (changed_rows_for_test), so the log holds the unique key. -#}
{% macro change_log_relation(model_identifier) -%}
    {{ return(api.Relation.create(
        database=target.database,
        schema=generate_schema_name('intermediate', none),
        identifier=model_identifier ~ '__changes',
        type='table'
    )) }}
{%- endmacro %}


{#- The incremental strategy: log, then dbt's own merge (tombstone_merge_clauses). -#}
{% macro get_incremental_merge_logged_sql(arg_dict) -%}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set unique_key = arg_dict['unique_key'] -%}
    {%- set keys = [unique_key] if unique_key is string else unique_key -%}
    {%- set columns = change_log_config('change_log_columns') -%}
    {%- set readers = change_log_config('change_log_readers') -%}
    {%- if not columns or not readers -%}
        {{ exceptions.raise_compiler_error(
            "merge_logged needs meta change_log_columns and change_log_readers (without readers, use merge)") }}
    {%- endif -%}
    {%- for key in keys -%}
        {%- if key not in columns -%}
            {{ exceptions.raise_compiler_error(
                "merge_logged: change_log_columns must hold the unique key column " ~ key) }}
        {%- endif -%}
    {%- endfor -%}
    {%- set log = change_log_relation(target_relation.identifier) -%}
    {%- set column_list = columns | join(', ') -%}
    {%- if change_log_columns_differ(log, columns) %}
    -- the log's columns changed with the project: what it held is unreadable, so the
    -- readers and this run's tests take the model as rebuilt (every group, whole table)
    drop table {{ log }};
    {{ create_change_log(log, target_relation, columns) }};
    insert into {{ log }} (change_kind, logged_at) values ('rebuilt', {{ incremental_run_timestamp() }});
    {%- else %}
    {{ create_change_log(log, target_relation, columns) }};
    {%- endif %}
    {%- if load_relation(incremental_watermark_relation()) is not none %}
    -- what every reader has processed goes
    delete from {{ log }}
    where logged_at <= (
        select case when count(*) = {{ readers | length }} then min(processed_until) end
        from {{ incremental_watermark_relation() }}
        where model_name in ('{{ readers | join("', '") }}')
    );
    {%- endif %}
    insert into {{ log }} (change_kind, logged_at, {{ column_list }})
    select 'old', {{ incremental_run_timestamp() }}, {{ column_list }}
    from {{ target_relation }}
    where ({{ keys | join(', ') }}) in (select {{ keys | join(', ') }} from {{ temp_relation }});
    insert into {{ log }} (change_kind, logged_at, {{ column_list }})
    select 'new', {{ incremental_run_timestamp() }}, {{ column_list }}
    from {{ temp_relation }};
    {{ get_incremental_merge_sql(arg_dict) }}
{%- endmacro %}


{#- The model's meta setting `name` (change_log_columns, change_log_readers). -#}
{% macro change_log_config(name) -%}
    {{ return((config.get('meta') or {}).get(name)) }}
{%- endmacro %}


{#- Whether the change log exists with other columns than `columns` (and its own two). -#}
{% macro change_log_columns_differ(log, columns) -%}
    {%- set stored = run_query(
        "select column_name from information_schema.columns where table_catalog = '" ~ log.database
        ~ "' and table_schema = '" ~ log.schema ~ "' and table_name = '" ~ log.identifier
        ~ "' and column_name not in ('change_kind', 'logged_at')"
    ).columns[0].values() | map('lower') | sort | list -%}
    {{ return(stored | length > 0 and stored != columns | map('lower') | sort | list) }}
{%- endmacro %}


{% macro create_change_log(log, model_relation, columns) -%}
    create table if not exists {{ log }} as
    select
        cast(null as {{ dbt.type_string() }}) as change_kind,
        cast(null as {{ dbt.type_timestamp() }}) as logged_at,
        {{ columns | join(', ') }}
    from {{ model_relation }}
    where false
{%- endmacro %}


{#- Post-hook of a logged model: a full build (first build, --full-refresh) empties its
    log and leaves one 'rebuilt' row, so that readers recompute everything. -#}
{% macro log_rebuild_for_readers() -%}
    {%- if execute and not is_incremental() -%}
        {%- set log = change_log_relation(this.identifier) -%}
        drop table if exists {{ log }};
        {{ create_change_log(log, this, change_log_config('change_log_columns')) }};
        insert into {{ log }} (change_kind, logged_at)
        values ('rebuilt', {{ incremental_run_timestamp() }})
    {%- endif -%}
{%- endmacro %}


{#- Whether `model` was rebuilt after `watermark` (or has no log yet: a warehouse built
    before the log existed), so that a reader must recompute everything; logged. -#}
{% macro change_log_rebuilt_since(model, watermark) -%}
    {%- set change_log = change_log_relation(model) -%}
    {#- asked of the database: the log is created by SQL within this invocation, which
        dbt's relation cache does not see -#}
    {%- set rebuilt = not relation_exists(change_log) or run_query(
        "select count(*) from " ~ change_log ~ " where change_kind = 'rebuilt' and logged_at > " ~ watermark
    ).columns[0].values()[0] > 0 -%}
    {%- do log(this.identifier ~ " reads the change log of " ~ model ~ ": "
        ~ ("every group (rebuilt, or no log yet)" if rebuilt else "logged groups"), info=True) -%}
    {{ return(rebuilt) }}
{%- endmacro %}


{#- For a reader's incremental run: a CTE body of the groups (`group_columns`) of `model`'s
    rows logged since the reader's watermark, old and new versions, that match `filter`;
    every group of `model` and of the reader's stored rows when the model was rebuilt since
    (or has no log yet: a warehouse built before the log existed). Null groups are left
    out: a row without its group columns (a tombstone) is in no group.
    `net_of`: columns that alone decide the reader's value of a group, with the group
    columns (a distinct count's column, say); a group is then changed only when the
    rows logged since the watermark change how many rows have some value of them (new
    rows minus old ones): a row rewritten with the same values, or one leaving as another
    with the same values arrives, leaves the group as it was. -#}
{% macro groups_changed_in_log(model, group_columns, filter='true', net_of=[]) -%}
    {%- set change_log = change_log_relation(model) -%}
    {%- set group_list = group_columns | join(', ') -%}
    {%- set not_null = [] -%}
    {%- for column in group_columns -%}{%- do not_null.append(column ~ ' is not null') -%}{%- endfor -%}
    {%- set watermark = incremental_watermark() -%}
    {%- set rebuilt = change_log_rebuilt_since(model, watermark) -%}
    {%- if rebuilt %}
    select {{ group_list }} from {{ ref(model) }} where {{ filter }} and {{ not_null | join(' and ') }}
    union
    select {{ group_list }} from {{ this }}
    {%- elif net_of %}
    select distinct {{ group_list }}
    from (
        select {{ group_list }}, {{ net_of | join(', ') }}
        from {{ change_log }}
        where logged_at > {{ watermark }} and change_kind in ('old', 'new')
            and {{ filter }} and {{ not_null | join(' and ') }}
        group by {{ group_list }}, {{ net_of | join(', ') }}
        having sum(case when change_kind = 'new' then 1 else -1 end) <> 0
    ) as net_changes
    {%- else %}
    select distinct {{ group_list }}
    from {{ change_log }}
    where logged_at > {{ watermark }} and change_kind in ('old', 'new')
        and {{ filter }} and {{ not_null | join(' and ') }}
    {%- endif %}
{%- endmacro %}


{#- Whether a table exists now: a change log is created by SQL within an invocation, which
    dbt's relation cache does not see. -#}
{% macro relation_exists(relation) -%}
    {%- set found = run_query(
        "select count(*) from information_schema.tables where table_catalog = '" ~ relation.database
        ~ "' and table_schema = '" ~ relation.schema
        ~ "' and table_name = '" ~ relation.identifier ~ "'"
    ) -%}
    {{ return(found.columns[0].values()[0] > 0) }}
{%- endmacro %}
