{#- What a run of a staging base table reads (docs/DECISIONS.md, "Raw files are immutable;
    base tables read only what new files can change"), decided by the query itself, with
    no state outside the table: every base row keeps the file it came from (`_raw_file_hash`
    of its name, size and modification time), so the files a table has read are its rows'.
    Called at the top of every base_raw__* model:

        {%- set raw_scope = incremental_raw_scope('messages', [...], parents=[...]) -%}
        with {{ raw_scope.ctes }}typed as ({{ typed_raw_rows('messages', raw_scope) }}), ...
        {{ track_row_changes('final', [...], raw_scope) }}

    A full build, or a raw table in the database, reads everything. An incremental run
    over files (var('raw_path')) reads:
    - the files not read before (by name and stamp), and of the stored rows, the versions
      of the keys in scope: keys in the new files, stored rows a parent change reaches
      (`parents`), stored rows whose "future" rejection expired;
    - every file, when a file read before changed or disappeared, or when the table
      de-duplicates by more than its key (meta `raw_rows_compared_whole`) and a file is new:
      then every stored row is compared (`read_everything`).
    With `stored_versions` the table stores every raw column as typed, so the older
    versions of a key come from the stored rows; otherwise they are re-read from every
    file (rows of keys in scope only). The files to read are a DuckDB variable that the
    pre-hook set_raw_files_to_read sets from the same comparison: DuckDB prunes the glob
    to them when it binds the query, so a file read before is never opened again.

    `key_expressions`: see typed_row_key. `parents`: what the model's checks look up, each
      {'model': 'base_raw__contacts', 'columns': [('contact_id', 'contact_id'), ...]}
    (a stored row is in scope when a parent row with the same values changed), or
      {'model': 'base_raw__fx_rates', 'predicate': "<sql on the stored row>"}
    where `__CHANGED__` in the predicate names the parent's changed rows. A parent's
    changed rows are those loaded after this table's last change (max `_loaded_at`): a
    run that changed nothing here looks at them again next time, which is exact. -#}
{% macro incremental_raw_scope(table_name, key_columns, parents=[], key_expressions={}, stored_versions=false) -%}
    {%- set pattern = raw_file_pattern(table_name) if execute else none -%}
    {%- if pattern is none -%}
        {#- a raw table in the database: one "file", read whole every run -#}
        {{ return({
            'ctes': '',
            'source': "(select *, md5_number_upper('" ~ table_name ~ "') as _raw_file_hash from " ~ raw_source(table_name) ~ " as raw_rows)",
            'read_everything': 'true',
        }) }}
    {%- endif -%}
    {%- set reader = raw_file_reader(table_name, [pattern], with_file_name=true) -%}
    {%- set listed = raw_files_listed(pattern) -%}
    {%- if not is_incremental() -%}
        {{ return({
            'ctes': 'raw_files_read as (' ~ listed ~ '),\n\n',
            'source': "(select raw_rows.* exclude (filename), raw_files_read.raw_file as _raw_file_hash from "
                ~ reader ~ " as raw_rows inner join raw_files_read on raw_rows.filename = raw_files_read.file_name)",
            'read_everything': 'true',
        }) }}
    {%- endif -%}

    {#- the files set_raw_files_to_read chose (a constant when the query is bound, so DuckDB
        opens no other file of the glob) -#}
    {%- set to_read = "list_contains(getvariable('" ~ raw_files_variable(table_name) ~ "'), filename)" -%}
    {%- set watermark = "(select max(_loaded_at) from " ~ this ~ ")" -%}
    {%- set ctes = [] -%}
    {%- do ctes.append("raw_files_listed as (" ~ listed ~ ")") -%}
    {%- do ctes.append("raw_files_read as (select file_name, raw_file from raw_files_listed where "
        ~ to_read | replace('filename', 'file_name') ~ ")") -%}
    {%- do ctes.append("raw_scope_run as (select " ~ raw_files_read_everything(pattern) ~ " as read_everything)") -%}

    {#- stored rows that a parent change or the clock may have changed -#}
    {%- set conditions = [] -%}
    {%- for parent in parents -%}
        {%- set changed = 'raw_scope_parent_' ~ loop.index -%}
        {%- do ctes.append(changed ~ " as (select * from " ~ api.Relation.create(
            database=this.database, schema=this.schema, identifier=parent.model, type='table'
        ) ~ " where _loaded_at > " ~ watermark ~ ")") -%}
        {%- if parent.predicate is defined -%}
            {%- do conditions.append("(" ~ parent.predicate | replace('__CHANGED__', changed) ~ ")") -%}
        {%- else -%}
            {#- a row-value `in`: a plain semi join (see in_affected_keys) -#}
            {%- set child_columns = [] -%}
            {%- set parent_columns = [] -%}
            {%- for child_column, parent_column in parent.columns -%}
                {%- do child_columns.append("stored." ~ child_column) -%}
                {%- do parent_columns.append(parent_column) -%}
            {%- endfor -%}
            {%- do conditions.append(
                "(" ~ child_columns | join(', ') ~ ") in (select " ~ parent_columns | join(', ')
                ~ " from " ~ changed ~ ")"
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set stored_columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- set released = expired_future_rejection(table_name, 'stored', stored_columns) -%}
    {%- if released -%}{%- do conditions.append(released) -%}{%- endif -%}
    {%- set row_key = typed_row_key(table_name, key_columns, key_expressions) -%}
    {%- do ctes.append("raw_scope_keys as (select " ~ row_key ~ " as _row_key from " ~ reader
        ~ " as raw_rows where " ~ to_read ~ " union select stored._row_key from "
        ~ this ~ " as stored where " ~ (conditions | join(' or ') if conditions else 'false') ~ ")") -%}

    {%- if stored_versions -%}
        {%- set missing = [] -%}
        {%- for column, data_type in raw_contract()[table_name] + [('rejection_reason', 'varchar')] -%}
            {%- if column not in stored_columns -%}{%- do missing.append(column) -%}{%- endif -%}
        {%- endfor -%}
        {%- if missing -%}
            {{ exceptions.raise_compiler_error(
                this.identifier ~ " sets stored_versions but does not store " ~ missing | join(', ')
            ) }}
        {%- endif -%}
        {%- set source = "(select raw_rows.* exclude (filename), raw_files_read.raw_file as _raw_file_hash from "
            ~ reader ~ " as raw_rows inner join raw_files_read on raw_rows.filename = raw_files_read.file_name"
            ~ " where " ~ to_read ~ ")" -%}
        {#- the other versions of the keys in scope: stored as typed from the files, unchanged,
            that this run does not read -#}
        {%- set stored_rows = "(select * from " ~ this ~ " as stored where _row_key in (select _row_key from raw_scope_keys)"
            ~ " and _raw_file_hash in (select raw_file from raw_files_listed where file_name not in (select file_name from raw_files_read)))" -%}
    {%- else -%}
        {#- every version of the keys in scope, from every file -#}
        {%- set source = "(select raw_rows.* exclude (filename), listed.raw_file as _raw_file_hash from "
            ~ reader ~ " as raw_rows inner join raw_files_listed as listed on raw_rows.filename = listed.file_name"
            ~ " where " ~ to_read ~ " or " ~ row_key ~ " in (select _row_key from raw_scope_keys))" -%}
        {%- set stored_rows = none -%}
    {%- endif -%}
    {{ return({
        'ctes': ctes | join(',\n\n') ~ ',\n\n',
        'source': source,
        'stored_rows': stored_rows,
        'read_everything': '(select read_everything from raw_scope_run)',
    }) }}
{%- endmacro %}


{#- The raw files of a glob, each with the hash base rows record as `_raw_file_hash`. -#}
{% macro raw_files_listed(pattern) -%}
    select
        filename as file_name,
        {{ raw_file_hash("filename", "size", "last_modified") }} as raw_file
    from read_blob('{{ pattern }}')
{%- endmacro %}


{#- A raw file's identity, as base rows keep it: the first 64 bits of the MD5 of its name,
    size and modification time (epoch ms) joined by '|'. A number, not the path: a text
    of ~100 bytes on each of 21M event rows took the 1M full build past 6 GB (out of memory
    in base_raw__message_events); MD5 keeps it stable across DuckDB versions.
    msgwh.refresh.RAW_FILE_HASH is the same expression for Python. -#}
{% macro raw_file_hash(name, size, modified) -%}
    md5_number_upper({{ name }} || '|' || cast({{ size }} as {{ dbt.type_string() }}) || '|'
        || cast(epoch_ms({{ modified }}) as {{ dbt.type_string() }}))
{%- endmacro %}


{#- Whether this run of the base table `this` reads every file of `pattern` again and
    compares every stored row: a file it read before changed or disappeared, or the table
    de-duplicates by more than its key (meta `raw_rows_compared_whole`) and a file is new. -#}
{% macro raw_files_read_everything(pattern) -%}
    {%- set listed = "(" ~ raw_files_listed(pattern) ~ ")" -%}
    {%- set stored = "(select distinct _raw_file_hash from " ~ this ~ ")" -%}
    (
        exists (select 1 from {{ stored }} as stored where _raw_file_hash not in (select raw_file from {{ listed }} as listed))
        {%- if (config.get('meta') or {}).get('raw_rows_compared_whole') %}
        or exists (select 1 from {{ listed }} as listed where raw_file not in (select _raw_file_hash from {{ stored }} as stored))
        {%- endif %}
    )
{%- endmacro %}


{#- The DuckDB variable holding the files a base table reads this run. -#}
{% macro raw_files_variable(table_name) -%}
    {{ return('raw_files_to_read__' ~ table_name) }}
{%- endmacro %}


{#- Pre-hook of the base tables: the files this incremental run reads (new ones, or every
    one when raw_files_read_everything), set as a variable that the model's query reads as
    a constant: DuckDB then prunes the glob when it binds the query, whatever the join
    order (a join on the file name prunes only when the files are its build side). -#}
{% macro set_raw_files_to_read() -%}
    {%- set table_name = this.identifier[('base_raw__' | length):] -%}
    {%- set pattern = raw_file_pattern(table_name) if execute else none -%}
    {%- if is_incremental() and pattern is not none -%}
    set variable {{ raw_files_variable(table_name) }} = (
        select coalesce(list(file_name order by file_name), cast([] as {{ dbt.type_string() }}[]))
        from ({{ raw_files_listed(pattern) }}) as listed
        where raw_file not in (select distinct _raw_file_hash from {{ this }}) or {{ raw_files_read_everything(pattern) }}
    )
    {%- endif -%}
{%- endmacro %}


{#- The glob of a raw table's files under var('raw_path') (what raw_source reads), or
    none when the table is read from the database. -#}
{% macro raw_file_pattern(table_name) -%}
    {%- set raw_path = var('raw_path', '') -%}
    {%- if not raw_path or target.type != 'duckdb' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set base = raw_path.rstrip('/') ~ '/' ~ table_name -%}
    {%- for pattern in [base ~ '.parquet', base ~ '.csv', base ~ '/*.parquet'] -%}
        {%- if run_query("select count(*) from glob('" ~ pattern ~ "')").columns[0].values()[0] > 0 -%}
            {{ return(pattern) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{#- A relation reading the given files of a raw table (same reader as raw_source);
    `with_file_name` adds each row's file as `filename`. -#}
{% macro raw_file_reader(table_name, files, with_file_name=false) -%}
    {%- set quoted = "['" ~ files | join("', '") ~ "']" -%}
    {%- set file_name = ", filename = true" if with_file_name else "" -%}
    {%- if files and files[0].endswith('.csv') -%}
        {{ return("(select * from read_csv(" ~ quoted ~ ", header = true, all_varchar = true" ~ file_name ~ "))") }}
    {%- endif -%}
    {{ return("(select * from read_parquet(" ~ quoted ~ file_name ~ "))") }}
{%- endmacro %}


{#- A raw row's `_row_key` computed from the raw columns, typed as typed_raw_columns
    types them; `key_expressions` gives the raw-column expression of a key column that
    the model derives (a normalised coupon code, say). -#}
{% macro typed_row_key(table_name, key_columns, key_expressions) -%}
    {%- set types = {} -%}
    {%- for column, data_type in raw_contract()[table_name] -%}
        {%- do types.update({column: data_type}) -%}
    {%- endfor -%}
    {%- set typed = [] -%}
    {%- for column in key_columns -%}
        {%- if column in key_expressions -%}
            {%- do typed.append(key_expressions[column]) -%}
        {%- else -%}
            {%- do typed.append(typed_raw_value(column, types[column])) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dq_row_key(typed)) }}
{%- endmacro %}


{#- A stored row (alias `alias`) rejected as "in the future" whose time may have come:
    only without var('dq_as_of'), when the cutoff moves with the clock. A row whose
    checked column is not stored is always in scope (there are few such rows). -#}
{% macro expired_future_rejection(table_name, alias, stored_columns) -%}
    {%- if var('dq_as_of', '') -%}
        {{ return('') }}
    {%- endif -%}
    {%- set conditions = [] -%}
    {%- for column, data_type in raw_contract()[table_name] -%}
        {%- set rejected = alias ~ ".rejection_reason = 'future_" ~ column ~ "'" -%}
        {%- if data_type in ('timestamp', 'date') and column in stored_columns -%}
            {%- do conditions.append(
                "(" ~ rejected ~ " and " ~ alias ~ "." ~ column
                ~ " <= cast(" ~ dq_future_cutoff() ~ " as " ~ data_type ~ "))"
            ) -%}
        {%- else -%}
            {%- do conditions.append("(" ~ rejected ~ ")") -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(conditions | join(' or ')) }}
{%- endmacro %}
