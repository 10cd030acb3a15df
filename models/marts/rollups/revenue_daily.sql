with

days as (
    select * from {{ ref('int_workspace_days_spined') }}
),

revenue as (
    select * from {{ ref('int_revenue_assigned_to_periods') }}
),

messages as (
    select * from {{ ref('stg_raw__messages') }}
),

revenue_per_day as (
    select
        workspace_id,
        revenue_date,
        source_type,
        channel,
        cast(sum(gross_revenue) as decimal(18, 2)) as gross_revenue,
        cast(sum(net_revenue) as decimal(18, 2)) as net_revenue,
        sum(case when is_order then 1 else 0 end) as orders,
        sum(case when is_conversion then 1 else 0 end) as conversions
    from revenue
    group by workspace_id, revenue_date, source_type, channel
),

day_totals as (
    select
        workspace_id,
        revenue_date,
        sum(gross_revenue) as day_gross_revenue
    from revenue_per_day
    group by workspace_id, revenue_date
),

conversations_per_day as (
    select
        workspace_id,
        sent_date,
        count(distinct conversation_id) as conversations
    from messages
    -- SPEC §7: conversations of the marketing and utility categories, by local sent date
    where conversation_category in ('marketing', 'utility')
    group by workspace_id, sent_date
),

source_rows as (
    select
        revenue_per_day.workspace_id,
        revenue_per_day.source_type,
        revenue_per_day.channel,
        revenue_per_day.gross_revenue,
        revenue_per_day.net_revenue,
        revenue_per_day.orders,
        revenue_per_day.conversions,
        -- conversations are a day-level measure: only on the day's 'all' row, so sums never double count
        cast(null as {{ dbt.type_bigint() }}) as conversations,
        {{ safe_divide('revenue_per_day.gross_revenue', 'day_totals.day_gross_revenue') }} as revenue_share,
        cast(null as {{ dbt.type_float() }}) as revenue_per_conversation,
        revenue_per_day.revenue_date
    from revenue_per_day
    inner join day_totals
        on
            revenue_per_day.workspace_id = day_totals.workspace_id
            and revenue_per_day.revenue_date = day_totals.revenue_date
),

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
        coalesce(conversations_per_day.conversations, 0) as conversations,
        cast(null as {{ dbt.type_float() }}) as revenue_share,
        {{ safe_divide('coalesce(day_totals.day_gross_revenue, 0)', 'conversations_per_day.conversations') }}
            as revenue_per_conversation,
        days.date_day as revenue_date
    from days
    left join conversations_per_day
        on
            days.workspace_id = conversations_per_day.workspace_id
            and days.date_day = conversations_per_day.sent_date
    left join day_totals
        on
            days.workspace_id = day_totals.workspace_id
            and days.date_day = day_totals.revenue_date
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
