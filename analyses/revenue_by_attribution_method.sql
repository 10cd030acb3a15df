-- Attributed revenue by method and source type per workspace: the headline
-- table of the attribution engine (`dbt compile --select revenue_by_attribution_method`,
-- then run the compiled SQL, or `dbt show --select revenue_by_attribution_method`).
with

orders as (
    select * from {{ ref('fct_order_attribution') }}
),

by_method as (
    select
        workspace_id,
        coalesce(attribution_method, 'unattributed') as attribution_method,
        coalesce(source_type, unattributed_reason) as source_type,
        count(*) as orders,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue
    from orders
    group by 1, 2, 3
)

select * from by_method
order by 1, 2, 3
