-- docs/attribution.md#multi-touch-credit: each campaign and flow under every model, beside
-- what last touch and the order attribution give it
{%- set models = multi_touch_models() %}
with

credits as (
    select
        workspace_id,
        attribution_model,
        source_type,
        source_id,
        -- summed as decimals: a sum of doubles depends on the order rows arrive in, and the
        -- mart must not change between two builds of the same data
        sum(cast(credit_share as decimal(38, 12))) as credited_orders,
        sum(cast(credited_gross_revenue as decimal(38, 10))) as gross_revenue,
        sum(cast(credited_net_revenue as decimal(38, 10))) as net_revenue
    from {{ ref('fct_order_touch_credits') }}
    group by workspace_id, attribution_model, source_type, source_id
),

order_attribution as (
    select
        workspace_id,
        source_type,
        source_id,
        count(*) as attributed_orders,
        sum(net_revenue) as attributed_net_revenue
    from {{ ref('fct_order_attribution') }}
    where source_type in ('campaign', 'flow')
    group by workspace_id, source_type, source_id
),

-- every source credited by some model or by the order attribution, under every model
sources as (
    select
        workspace_id,
        source_type,
        source_id
    from credits
    union
    select
        workspace_id,
        source_type,
        source_id
    from order_attribution
),

models as (
    {%- for attribution_model in models %}
    select '{{ attribution_model }}' as attribution_model
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

grid as (
    select
        sources.workspace_id,
        models.attribution_model,
        sources.source_type,
        sources.source_id,
        coalesce(credits.credited_orders, 0) as credited_orders,
        coalesce(credits.gross_revenue, 0) as gross_revenue,
        coalesce(credits.net_revenue, 0) as net_revenue
    from sources
    cross join models
    left join credits
        on
            sources.workspace_id = credits.workspace_id
            and sources.source_type = credits.source_type
            and sources.source_id = credits.source_id
            and models.attribution_model = credits.attribution_model
),

final as (
    select
        grid.workspace_id,
        grid.attribution_model,
        grid.source_type,
        grid.source_id,
        cast(grid.credited_orders as double) as credited_orders,
        cast(grid.gross_revenue as double) as gross_revenue,
        cast(grid.net_revenue as double) as net_revenue,
        cast(grid.net_revenue - last_touch.net_revenue as double) as net_revenue_vs_last_touch,
        coalesce(order_attribution.attributed_orders, 0) as order_attribution_orders,
        cast(coalesce(order_attribution.attributed_net_revenue, 0) as decimal(18, 2)) as order_attribution_net_revenue
    from grid
    inner join grid as last_touch
        on
            grid.workspace_id = last_touch.workspace_id
            and grid.source_type = last_touch.source_type
            and grid.source_id = last_touch.source_id
            and last_touch.attribution_model = 'last_touch'
    left join order_attribution
        on
            grid.workspace_id = order_attribution.workspace_id
            and grid.source_type = order_attribution.source_type
            and grid.source_id = order_attribution.source_id
)

select * from final
