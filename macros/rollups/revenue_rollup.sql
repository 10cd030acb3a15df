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

periods as (
    select distinct
        workspace_id,
        {{ period_column }}
    from days
),

revenue as (
    select * from {{ ref('int_revenue_assigned_to_periods') }}
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

select * from final
{%- endmacro %}

