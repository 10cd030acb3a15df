with

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

message_funnel as (
    select * from {{ ref('fct_message_funnel') }}
),

order_attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

-- docs/attribution.md#holdout-lift: what the campaign caused, where its audience was split
lift as (
    select
        workspace_id,
        source_id as campaign_id,
        absolute_lift,
        incremental_revenue,
        is_significant
    from {{ ref('campaign_lift') }}
    where source_type = 'campaign'
),

sends_per_campaign as (
    select
        workspace_id,
        campaign_id,
        count(*) as sends,
        -- a read or click proves delivery when the delivered webhook was lost (docs/DECISIONS.md)
        count(case when is_delivered or is_viewed or is_clicked then 1 end) as delivered,
        count(case when is_viewed then 1 end) as reads,
        count(case when is_clicked then 1 end) as clicks,
        count(case when is_failed then 1 end) as failed,
        count(case when has_goal then 1 end) as goal_conversions,
        -- docs/contract.md#marts: the public name of the metric is `cost` (a keyword sqlfluff flags)
        coalesce(sum(cost), 0) as cost  -- noqa: RF04
    from message_funnel
    where source_type = 'campaign'
    group by
        workspace_id,
        campaign_id
),

orders_per_campaign as (
    select
        workspace_id,
        campaign_id,
        count(*) as attributed_orders,
        count(case when attribution_method = 'last_touch' then 1 end) as last_touch_orders,
        count(case when attribution_method = 'coupon' then 1 end) as coupon_orders,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue
    from order_attribution
    -- docs/attribution.md#order-attribution-rules: every credit to the campaign counts, by last touch and by coupon
    where campaign_id is not null
    group by
        workspace_id,
        campaign_id
),

campaigns_with_totals as (
    select
        campaigns.workspace_id,
        campaigns.campaign_id,
        campaigns.creative_id,
        campaigns.offer_id,
        campaigns.campaign_name,
        campaigns.channel,
        campaigns.status,
        coalesce(sends_per_campaign.sends, 0) as sends,
        coalesce(sends_per_campaign.delivered, 0) as delivered,
        coalesce(sends_per_campaign.reads, 0) as reads,
        coalesce(sends_per_campaign.clicks, 0) as clicks,
        coalesce(sends_per_campaign.failed, 0) as failed,
        coalesce(sends_per_campaign.goal_conversions, 0) as goal_conversions,
        coalesce(orders_per_campaign.attributed_orders, 0) as attributed_orders,
        coalesce(orders_per_campaign.last_touch_orders, 0) as last_touch_orders,
        coalesce(orders_per_campaign.coupon_orders, 0) as coupon_orders,
        cast(coalesce(orders_per_campaign.gross_revenue, 0) as decimal(18, 2)) as gross_revenue,
        cast(coalesce(orders_per_campaign.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        cast(coalesce(sends_per_campaign.cost, 0) as decimal(18, 2)) as cost,  -- noqa: RF04
        lift.absolute_lift as holdout_absolute_lift,
        lift.incremental_revenue as holdout_incremental_revenue,
        lift.is_significant as holdout_is_significant,
        campaigns.published_at
    from campaigns
    left join sends_per_campaign
        on
            campaigns.workspace_id = sends_per_campaign.workspace_id
            and campaigns.campaign_id = sends_per_campaign.campaign_id
    left join orders_per_campaign
        on
            campaigns.workspace_id = orders_per_campaign.workspace_id
            and campaigns.campaign_id = orders_per_campaign.campaign_id
    left join lift
        on
            campaigns.workspace_id = lift.workspace_id
            and campaigns.campaign_id = lift.campaign_id
),

campaigns_with_ratios as (
    select
        workspace_id,
        campaign_id,
        creative_id,
        offer_id,
        campaign_name,
        channel,
        status,
        sends,
        delivered,
        reads,
        clicks,
        failed,
        goal_conversions,
        attributed_orders,
        last_touch_orders,
        coupon_orders,
        gross_revenue,
        net_revenue,
        cost,
        -- docs/attribution.md#ratios: a ratio is null when its denominator is 0
        {{ safe_divide('reads', 'delivered') }} as read_rate,
        {{ safe_divide('clicks', 'delivered') }} as click_through_rate,
        {{ safe_divide('gross_revenue', 'sends') }} as revenue_per_send,
        {{ safe_divide('gross_revenue', 'clicks') }} as epc,
        {{ safe_divide('gross_revenue', 'cost') }} as roas,
        {{ safe_divide('gross_revenue - cost', 'cost') }} as roi,
        holdout_absolute_lift,
        holdout_incremental_revenue,
        holdout_is_significant,
        published_at
    from campaigns_with_totals
)

select * from campaigns_with_ratios
