{#- The per-period revenue rows shared by revenue_daily, revenue_weekly and
    revenue_monthly: CTEs `revenue_per_period` (workspace x period x source type x
    channel), `period_totals` and `source_rows` (with each row's share of its
    period). Expects a CTE `revenue` (int_revenue_assigned_to_periods) before it;
    `extra_null_columns` are (name, type) pairs added as nulls so a caller can
    union its own period rows. -#}
{% macro revenue_rollup_source_rows(period_column, extra_null_columns=[]) -%}
revenue_per_period as (
    select
        workspace_id,
        {{ period_column }},
        source_type,
        channel,
        cast(sum(gross_revenue) as decimal(18, 2)) as gross_revenue,
        cast(sum(net_revenue) as decimal(18, 2)) as net_revenue,
        sum(case when is_order then 1 else 0 end) as orders,
        sum(case when is_conversion then 1 else 0 end) as conversions
    from revenue
    group by workspace_id, {{ period_column }}, source_type, channel
),

period_totals as (
    select
        workspace_id,
        {{ period_column }},
        sum(gross_revenue) as period_gross_revenue
    from revenue_per_period
    group by workspace_id, {{ period_column }}
),

source_rows as (
    select
        revenue_per_period.workspace_id,
        revenue_per_period.source_type,
        revenue_per_period.channel,
        revenue_per_period.gross_revenue,
        revenue_per_period.net_revenue,
        revenue_per_period.orders,
        revenue_per_period.conversions,
        {%- for column_name, column_type in extra_null_columns %}
        cast(null as {{ column_type }}) as {{ column_name }},
        {%- endfor %}
        -- docs/attribution.md#revenue-rollups: share of the period's revenue (gross), null when the period has none
        {{ safe_divide('revenue_per_period.gross_revenue', 'period_totals.period_gross_revenue') }} as revenue_share,
        revenue_per_period.{{ period_column }}
    from revenue_per_period
    inner join period_totals
        on
            revenue_per_period.workspace_id = period_totals.workspace_id
            and revenue_per_period.{{ period_column }} = period_totals.{{ period_column }}
)
{%- endmacro %}


{#- revenue_weekly and revenue_monthly: the source rows of each period plus one
    'all' row per workspace and period of the spine, so empty periods exist. -#}
{% macro revenue_period_rollup(period_column) -%}
with

days as (
    select * from {{ ref('int_workspace_days_spined') }}
),

spine_periods as (
    select distinct
        workspace_id,
        {{ period_column }},
        'all' as source_type
    from days
),

{% if is_incremental() -%}
affected_periods as (
    {{ revenue_rollup_affected_periods(period_column, 'spine_periods', ['source_type']) }}
),

{% endif -%}
revenue as (
    {{ revenue_rows_of_affected_periods(period_column) }}
),

periods as (
    select
        workspace_id,
        {{ period_column }}
    from spine_periods
    {%- if is_incremental() %}
    where {{ in_affected_keys('affected_periods', 'spine_periods', ['workspace_id', period_column]) }}
    {%- endif %}
),

{{ revenue_rollup_source_rows(period_column) }},

period_rows as (
    -- one row per workspace and period of the spine, so periods with no revenue exist
    select
        workspace_id,
        'all' as source_type,
        'all' as channel,
        cast(0 as decimal(18, 2)) as gross_revenue,
        cast(0 as decimal(18, 2)) as net_revenue,
        0 as orders,
        0 as conversions,
        cast(null as {{ dbt.type_float() }}) as revenue_share,
        {{ period_column }}
    from periods
),

all_rows as (
    select * from source_rows
    union all
    select * from period_rows
),

final as (
    select
        workspace_id,
        source_type,
        channel,
        gross_revenue,
        net_revenue,
        cast(orders as {{ dbt.type_bigint() }}) as orders,
        cast(conversions as {{ dbt.type_bigint() }}) as conversions,
        revenue_share,
        {{ period_column }}
    from all_rows
)
-- a period that left the spine: a tombstone (source_type null)
{{ select_with_tombstones('final', 'affected_periods', ['workspace_id', period_column]) }}
{%- endmacro %}


{#- For an incremental run of a revenue rollup: a CTE body of the (workspace_id,
    `period_column`) periods to recompute, those of revenue rows replaced or written since
    the rollup's last run (old and new versions, from the change log of
    int_revenue_assigned_to_periods), and those where `spine_cte` (one row per period of
    the spine, with the values of the rollup's 'all' row in `compare_columns`) differs
    from the stored 'all' rows: a period added to or gone from the spine, a day whose
    conversation count changed. -#}
{% macro revenue_rollup_affected_periods(period_column, spine_cte, compare_columns) -%}
    {{ groups_changed_in_log('int_revenue_assigned_to_periods', ['workspace_id', period_column]) }}
    union
    {{ keys_differing_from_stored(spine_cte, "source_type = 'all'", ['workspace_id', period_column], compare_columns) }}
{%- endmacro %}


{#- A CTE body: the rows of int_revenue_assigned_to_periods, on an incremental run only
    those of the periods in a CTE `affected_periods`. -#}
{% macro revenue_rows_of_affected_periods(period_column) -%}
    select * from {{ ref('int_revenue_assigned_to_periods') }}
    {%- if is_incremental() %}
    where {{ in_affected_keys(
        'affected_periods', 'int_revenue_assigned_to_periods', ['workspace_id', period_column]
    ) }}
    {%- endif %}
{%- endmacro %}
