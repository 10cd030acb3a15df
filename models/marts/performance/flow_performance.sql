with

flows as (
    select * from {{ ref('stg_raw__flows') }}
),

flow_runs as (
    select * from {{ ref('stg_raw__flow_runs') }}
),

message_funnel as (
    select * from {{ ref('fct_message_funnel') }}
),

order_attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

-- docs/attribution.md#holdout-lift: what the flow caused, where its audience was split
lift as (
    select
        workspace_id,
        source_id as flow_id,
        absolute_lift,
        incremental_revenue,
        is_significant
    from {{ ref('campaign_lift') }}
    where source_type = 'flow'
),

runs_per_flow as (
    select
        workspace_id,
        flow_id,
        count(*) as started,
        count(case when is_completed then 1 end) as completed,
        count(distinct contact_id) as contacts_started
    from flow_runs
    group by
        workspace_id,
        flow_id
),

sends_per_flow as (
    select
        workspace_id,
        flow_id,
        count(*) as sends,
        count(case when is_clicked then 1 end) as clicks,
        -- docs/contract.md#marts: the public name of the metric is `cost` (a keyword sqlfluff flags)
        coalesce(sum(cost), 0) as cost  -- noqa: RF04
    from message_funnel
    where source_type = 'flow'
    group by
        workspace_id,
        flow_id
),

orders_per_flow as (
    select
        workspace_id,
        flow_id,
        count(*) as attributed_orders,
        -- docs/attribution.md#campaign-and-flow-performance: bought = distinct contacts credited with an
        -- order of the flow
        count(distinct contact_id) as bought,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue
    from order_attribution
    -- docs/attribution.md#order-attribution-rules: every credit to the flow counts, by last touch and by coupon
    where flow_id is not null
    group by
        workspace_id,
        flow_id
),

flows_with_totals as (
    select
        flows.workspace_id,
        flows.flow_id,
        flows.flow_name,
        flows.flow_type,
        flows.channel,
        flows.status,
        coalesce(runs_per_flow.started, 0) as started,
        coalesce(runs_per_flow.completed, 0) as completed,
        coalesce(runs_per_flow.contacts_started, 0) as contacts_started,
        coalesce(sends_per_flow.sends, 0) as sends,
        coalesce(sends_per_flow.clicks, 0) as clicks,
        coalesce(orders_per_flow.bought, 0) as bought,
        coalesce(orders_per_flow.attributed_orders, 0) as attributed_orders,
        cast(coalesce(orders_per_flow.gross_revenue, 0) as decimal(18, 2)) as gross_revenue,
        cast(coalesce(orders_per_flow.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        cast(coalesce(sends_per_flow.cost, 0) as decimal(18, 2)) as cost,  -- noqa: RF04
        lift.absolute_lift as holdout_absolute_lift,
        lift.incremental_revenue as holdout_incremental_revenue,
        lift.is_significant as holdout_is_significant,
        flows.created_at
    from flows
    left join runs_per_flow
        on
            flows.workspace_id = runs_per_flow.workspace_id
            and flows.flow_id = runs_per_flow.flow_id
    left join sends_per_flow
        on
            flows.workspace_id = sends_per_flow.workspace_id
            and flows.flow_id = sends_per_flow.flow_id
    left join orders_per_flow
        on
            flows.workspace_id = orders_per_flow.workspace_id
            and flows.flow_id = orders_per_flow.flow_id
    left join lift
        on
            flows.workspace_id = lift.workspace_id
            and flows.flow_id = lift.flow_id
),

flows_with_ratios as (
    select
        workspace_id,
        flow_id,
        flow_name,
        flow_type,
        channel,
        status,
        started,
        completed,
        contacts_started,
        sends,
        clicks,
        bought,
        attributed_orders,
        gross_revenue,
        net_revenue,
        cost,
        -- docs/attribution.md#ratios: a ratio is null when its denominator is 0
        {{ safe_divide('completed', 'started') }} as completion_rate,
        {{ safe_divide('gross_revenue', 'sends') }} as revenue_per_send,
        {{ safe_divide('gross_revenue', 'clicks') }} as epc,
        holdout_absolute_lift,
        holdout_incremental_revenue,
        holdout_is_significant,
        created_at
    from flows_with_totals
)

select * from flows_with_ratios
