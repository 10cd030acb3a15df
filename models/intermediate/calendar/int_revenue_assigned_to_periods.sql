with

revenue as (
    select * from {{ ref('fct_attributed_revenue') }}
),

revenue_classified as (
    select
        workspace_id,
        revenue_source,
        revenue_id,
        case
            -- docs/attribution.md#revenue-rollups: what no source earned is its own type, so the totals are whole
            when not is_attributed then 'unattributed'
            -- docs/attribution.md#revenue-rollups: an affiliate conversion is 'affiliate' whatever message it
            -- was credited to
            when revenue_source = 'affiliate' then 'affiliate'
            else source_type
        end as source_type,
        case
            -- a non-null placeholder keeps the rollup grain free of nulls
            when not is_attributed then 'none'
            else coalesce(channel, 'unknown')
        end as channel,
        gross_revenue,
        net_revenue,
        revenue_source = 'shop_order' as is_order,
        revenue_source = 'affiliate' as is_conversion,
        revenue_date
    from revenue
),

revenue_with_periods as (
    select
        workspace_id,
        revenue_source,
        revenue_id,
        source_type,
        channel,
        gross_revenue,
        net_revenue,
        is_order,
        is_conversion,
        -- docs/attribution.md#revenue-rollups: periods are local; revenue_date is already the local date of the revenue
        revenue_date,
        -- docs/attribution.md#revenue-rollups: weeks start on Monday
        {{ week_start_date('revenue_date') }} as week_start_date,
        {{ month_start_date('revenue_date') }} as month_start_date
    from revenue_classified
)

select * from revenue_with_periods
