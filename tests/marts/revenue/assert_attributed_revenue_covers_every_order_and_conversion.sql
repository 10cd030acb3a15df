-- docs/attribution.md#combined-revenue: fct_attributed_revenue holds every order of fct_order_attribution and every
-- conversion of fct_affiliate_conversions, attributed or not, and nothing else.
with

orders as (
    select * from {{ ref('fct_order_attribution') }}
),

conversions as (
    select * from {{ ref('fct_affiliate_conversions') }}
),

attributed_revenue as (
    select * from {{ ref('fct_attributed_revenue') }}
),

expected_rows as (
    select
        workspace_id,
        'shop_order' as revenue_source,
        order_id as revenue_id
    from orders
    union all
    select
        workspace_id,
        'affiliate' as revenue_source,
        conversion_key as revenue_id
    from conversions
),

compared as (
    select
        coalesce(expected_rows.workspace_id, attributed_revenue.workspace_id) as workspace_id,
        coalesce(expected_rows.revenue_source, attributed_revenue.revenue_source) as revenue_source,
        coalesce(expected_rows.revenue_id, attributed_revenue.revenue_id) as revenue_id,
        expected_rows.revenue_id is not null as is_expected,
        attributed_revenue.revenue_id is not null as is_present
    from expected_rows
    full outer join attributed_revenue
        on
            expected_rows.workspace_id = attributed_revenue.workspace_id
            and expected_rows.revenue_source = attributed_revenue.revenue_source
            and expected_rows.revenue_id = attributed_revenue.revenue_id
)

select * from compared
where not (is_expected and is_present)
