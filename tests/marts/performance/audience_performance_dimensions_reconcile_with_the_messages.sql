-- docs/attribution.md#audience-performance: under every dimension, the rows of a workspace add
-- up to its messages' sends, clicks, orders, costs and revenue, and its attributed affiliate
-- conversions (null attributes are the value `(none)`, so nothing is left out)
with

audiences as (
    select
        workspace_id,
        dimension,
        sum(sends) as sends,
        sum(clicks) as clicks,
        sum(attributed_orders) as attributed_orders,
        sum(conversions) as conversions,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue,
        sum(cost) as message_cost
    from {{ ref('audience_performance') }}
    group by workspace_id, dimension
),

messages as (
    select
        workspace_id,
        count(*) as sends,
        count(case when is_clicked then 1 end) as clicks,
        sum(attributed_orders) as attributed_orders,
        sum(attributed_gross_revenue) as gross_revenue,
        sum(attributed_net_revenue) as net_revenue,
        coalesce(sum(cost), 0) as message_cost
    from {{ ref('fct_message_funnel') }}
    group by workspace_id
),

conversions as (
    select
        workspace_id,
        count(*) as conversions,
        sum(revenue) as revenue
    from {{ ref('fct_affiliate_conversions') }}
    where is_attributed
    group by workspace_id
)

select
    audiences.workspace_id,
    audiences.dimension
from audiences
inner join messages
    on audiences.workspace_id = messages.workspace_id
left join conversions
    on audiences.workspace_id = conversions.workspace_id
where
    audiences.sends <> messages.sends
    or audiences.clicks <> messages.clicks
    or audiences.attributed_orders <> messages.attributed_orders
    or audiences.conversions <> coalesce(conversions.conversions, 0)
    or abs(audiences.gross_revenue - messages.gross_revenue - coalesce(conversions.revenue, 0)) >= 0.005
    or abs(audiences.net_revenue - messages.net_revenue - coalesce(conversions.revenue, 0)) >= 0.005
    or abs(audiences.message_cost - messages.message_cost) >= 0.005
