with

spine_days as (
    select * from {{ ref('int_workspace_days_spined') }}
),

-- docs/attribution.md#revenue-rollups: conversations of the marketing and utility categories, by local sent date
conversations_per_day as (
    select * from {{ ref('int_conversations_counted_per_day') }}
),

days as (
    -- the values of each day's 'all' row that do not come from revenue
    select
        spine_days.workspace_id,
        spine_days.date_day as revenue_date,
        coalesce(conversations_per_day.conversations, 0) as conversations
    from spine_days
    left join conversations_per_day
        on
            spine_days.workspace_id = conversations_per_day.workspace_id
            and spine_days.date_day = conversations_per_day.sent_date
),

revenue as (
    select * from {{ ref('int_revenue_assigned_to_periods') }}
),

{{ revenue_rollup_source_rows(
    'revenue_date',
    extra_null_columns=[('conversations', dbt.type_bigint()), ('revenue_per_conversation', dbt.type_float())]
) }},

day_rows as (
    -- one row per workspace and day of the spine, so days with no revenue exist
    select
        days.workspace_id,
        'all' as source_type,
        'all' as channel,
        cast(0 as decimal(18, 2)) as gross_revenue,
        cast(0 as decimal(18, 2)) as net_revenue,
        0 as orders,
        0 as conversions,
        days.conversations,
        -- docs/attribution.md#revenue-rollups: revenue per marketing + utility conversation of the day (null when 0)
        {{ safe_divide('coalesce(period_totals.period_gross_revenue, 0)', 'days.conversations') }}
            as revenue_per_conversation,
        cast(null as {{ dbt.type_float() }}) as revenue_share,
        days.revenue_date
    from days
    left join period_totals
        on
            days.workspace_id = period_totals.workspace_id
            and days.revenue_date = period_totals.revenue_date
),

all_rows as (
    select * from source_rows
    union all
    select * from day_rows
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
        cast(conversations as {{ dbt.type_bigint() }}) as conversations,
        revenue_share,
        revenue_per_conversation,
        revenue_date
    from all_rows
)

select * from final
