{#- docs/attribution.md#raw-table-freshness: per workspace, how old the newest row of each raw table with
    a load time is, judged the way `dbt source freshness` judges the whole table
    (macros/sources/freshness_as_of.sql): at the same instant, with rows past the future cutoff left out.

    The tables are the sources of models/staging/raw/_raw__sources.yml with `loaded_at_field` and
    `freshness:`, each read through its base table (every raw row, rejected ones too). The refs
    are written out because dbt's graph is empty while it parses; the load-time column and the
    thresholds come from each source's own config in the graph (metadata, no query), and a source
    added or dropped there without this list fails the compile. -#}
{%- set base_tables = {
    'messages': ref('base_raw__messages'),
    'message_events': ref('base_raw__message_events'),
    'shop_orders': ref('base_raw__shop_orders'),
    'affiliate_postbacks': ref('base_raw__affiliate_postbacks'),
    'manual_revenue_imports': ref('base_raw__manual_revenue_imports'),
} -%}
{%- set minutes_per_period = {'minute': 1, 'hour': 60, 'day': 1440} -%}
{%- set judged_tables = [] -%}
{%- set raw_sources = graph.sources.values() | selectattr('source_name', 'equalto', 'raw') if execute else [] -%}
{%- for source in raw_sources | selectattr('package_name', 'equalto', project_name) | sort(attribute='name') -%}
{%- set freshness = source.freshness or {} -%}
{%- set warn_after = freshness.get('warn_after') or {} -%}
{%- set error_after = freshness.get('error_after') or {} -%}
{%- set has_warn_after = warn_after.get('count') is not none and warn_after.get('period') -%}
{%- set has_error_after = error_after.get('count') is not none and error_after.get('period') -%}
{%- if (has_warn_after or has_error_after) and (source.loaded_at_field or source.loaded_at_query) -%}
{%- if source.loaded_at_query or freshness.get('filter') -%}
{{ exceptions.raise_compiler_error(
    "raw_table_freshness: source raw." ~ source.name ~ " is judged by a loaded_at_query or a freshness "
    ~ "filter, which cannot be applied per workspace to its base table") }}
{%- endif -%}
{%- if source.name not in base_tables -%}
{{ exceptions.raise_compiler_error(
    "raw_table_freshness: source raw." ~ source.name ~ " has a freshness config: add "
    ~ "ref('base_raw__" ~ source.name ~ "') to base_tables") }}
{%- endif -%}
{%- do judged_tables.append({
    'name': source.name,
    'loaded_at_field': source.loaded_at_field,
    'warn_after_hours': warn_after['count'] * minutes_per_period[warn_after['period']] / 60
        if has_warn_after else 'null',
    'error_after_hours': error_after['count'] * minutes_per_period[error_after['period']] / 60
        if has_error_after else 'null',
}) -%}
{%- endif -%}
{%- endfor -%}
{%- if execute and judged_tables | map(attribute='name') | sort | list != base_tables | sort | list -%}
{{ exceptions.raise_compiler_error(
    "raw_table_freshness: base_tables names " ~ (base_tables | sort | join(', '))
    ~ " but the sources with a freshness config are "
    ~ (judged_tables | map(attribute='name') | sort | join(', '))) }}
{%- endif %}

with

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

freshness_as_of as (
    select * from {{ ref('int_freshness_judged_as_of') }}
),

judged_at as (
    select
        -- null on real data: judged now, as freshness_as_of() judges `dbt source freshness`
        coalesce(
            judged_as_of, cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
        ) as judged_as_of
    from freshness_as_of
),

future_cutoff as (
    select
        judged_as_of,
        -- attribution.md#raw-table-freshness: later rows are left out, as in collect_freshness
        {{ dbt.dateadd('hour', var('dq_future_tolerance_hours', 24), 'judged_as_of') | trim }} as cutoff_at
    from judged_at
),

{% for table in judged_tables %}
{{ table.name }}_loads as (
    select
        workspace_id,
        '{{ table.name }}' as source_table,
        {{ table.loaded_at_field }} as loaded_at
    from {{ base_tables[table.name] }}
),

{% endfor -%}
raw_loads as (
    {%- for table in judged_tables %}
    select * from {{ table.name }}_loads
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

thresholds as (
    {%- for table in judged_tables %}
    select
        '{{ table.name }}' as source_table,
        cast({{ table.warn_after_hours }} as double) as warn_after_hours,
        cast({{ table.error_after_hours }} as double) as error_after_hours
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

newest_loads as (
    select
        raw_loads.workspace_id,
        raw_loads.source_table,
        count(*) as raw_rows,
        max(
            case when raw_loads.loaded_at <= future_cutoff.cutoff_at then raw_loads.loaded_at end
        ) as newest_row_at
    from raw_loads
    cross join future_cutoff
    group by raw_loads.workspace_id, raw_loads.source_table
),

workspace_tables as (
    -- every usable workspace gets a row per table, also when it sent the table none
    select
        workspaces.workspace_id,
        thresholds.source_table,
        thresholds.warn_after_hours,
        thresholds.error_after_hours
    from workspaces
    cross join thresholds
),

joined as (
    select
        workspace_tables.workspace_id,
        workspace_tables.source_table,
        coalesce(newest_loads.raw_rows, 0) as raw_rows,
        workspace_tables.warn_after_hours,
        workspace_tables.error_after_hours,
        newest_loads.newest_row_at,
        judged_at.judged_as_of
    from workspace_tables
    cross join judged_at
    left join newest_loads
        on
            workspace_tables.workspace_id = newest_loads.workspace_id
            and workspace_tables.source_table = newest_loads.source_table
),

aged as (
    select
        *,
        cast({{ dbt.datediff('newest_row_at', 'judged_as_of', 'microsecond') | trim }} as double)
        / 3600000000 as age_hours
    from joined
),

final as (
    select
        workspace_id,
        source_table,
        case
            -- attribution.md#raw-table-freshness: a workspace that never sent the table a row has
            -- nothing to judge
            when raw_rows = 0 then 'no_rows'
            -- rows, but none at or before the cutoff with a load time: dbt fails such a table
            when newest_row_at is null then 'error'
            -- attribution.md#raw-table-freshness: stale only once older than the threshold, as in dbt
            when age_hours > error_after_hours then 'error'
            when age_hours > warn_after_hours then 'warn'
            else 'pass'
        end as freshness_status,
        raw_rows,
        age_hours,
        warn_after_hours,
        error_after_hours,
        newest_row_at,
        judged_as_of
    from aged
)

select * from final
