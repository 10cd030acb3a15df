{#- Change tracking for a staging base table (docs/DECISIONS.md, "Base tables track row versions").

    The base select (`final_cte`) covers what incremental_raw_scope (`scope`) read: on a
    full build every raw row; on an incremental run whole key groups, compared only with
    the stored versions of those keys (every stored row when the scope reads everything).
    What is incremental is the write: rows are grouped by `key_columns` (the raw row's
    key, nulls made explicit); on an incremental run only the groups whose rows changed
    (a new raw row, a new version, a row whose rejection or derived value changed) are
    emitted, and the model's delete+insert on `_row_key` replaces those groups.
    `_loaded_at` is the run that first produced a row exactly as it is now: downstream
    incremental models read the keys of rows with `_loaded_at` later than their own
    watermark. -#}
{% macro track_row_changes(final_cte, key_columns, scope) -%}
    versioned as (
        select
            {{ final_cte }}.*,
            {{ dq_row_key(key_columns) }} as _row_key,
            {{ row_content_hash(final_cte) }} as _row_hash
        from {{ final_cte }}
    ),

    {%- if is_incremental() %}

    current_versions as (
        select
            _row_key,
            _row_hash,
            count(*) as row_count
        from versioned
        group by _row_key, _row_hash
    ),

    existing_versions as (
        select
            _row_key,
            _row_hash,
            count(*) as row_count,
            min(_loaded_at) as _loaded_at
        from {{ this }}
        -- only the keys this run read (incremental_raw_scope): the rest stay as stored
        where _row_key in (select versioned._row_key from versioned) or {{ scope.read_everything }}
        group by _row_key, _row_hash
    ),

    changed_keys as (
        select distinct coalesce(current_versions._row_key, existing_versions._row_key) as _row_key
        from current_versions
        full outer join existing_versions
            on
                current_versions._row_key = existing_versions._row_key
                and current_versions._row_hash = existing_versions._row_hash
        where current_versions.row_count is distinct from existing_versions.row_count
    ),

    tracked as (
        select
            versioned.*,
            -- a version already stored keeps the run that first produced it
            coalesce(existing_versions._loaded_at, {{ incremental_run_timestamp() }}) as _loaded_at
        from versioned
        inner join changed_keys
            on versioned._row_key = changed_keys._row_key
        left join existing_versions
            on
                versioned._row_key = existing_versions._row_key
                and versioned._row_hash = existing_versions._row_hash
    )

    {%- else %}

    tracked as (
        select
            versioned.*,
            {{ incremental_run_timestamp() }} as _loaded_at
        from versioned
    )

    {%- endif %}
{%- endmacro %}


{#- A hash of every column of a row of `relation_alias` (a CTE or table alias). -#}
{% macro row_content_hash(relation_alias) -%}
    {{ return(adapter.dispatch('row_content_hash', 'msgwh')(relation_alias)) }}
{%- endmacro %}


{% macro default__row_content_hash(relation_alias) -%}
    {{ exceptions.raise_compiler_error(
        "row_content_hash has no implementation for " ~ target.type
        ~ ": add <adapter>__row_content_hash (a hash of the whole row, e.g. of its JSON form)."
    ) }}
{%- endmacro %}


{#- DuckDB: a table alias is a struct of the row's columns; DuckDB's 64-bit hash of it
    (five times cheaper than an md5 of its text form). Versions are only compared within
    one key, so a collision would need two versions of one key with equal hashes. The
    hash is DuckDB's own: after a DuckDB upgrade that changes it, the first run sees
    every row as changed and reloads it once (still exact). -#}
{% macro duckdb__row_content_hash(relation_alias) -%}
    cast(hash({{ relation_alias }}) as {{ dbt.type_string() }})
{%- endmacro %}
