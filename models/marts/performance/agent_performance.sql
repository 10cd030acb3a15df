with

agents as (
    select * from {{ ref('stg_raw__agents') }}
),

shared_links as (
    select * from {{ ref('stg_raw__shared_links') }}
),

link_clicks as (
    select * from {{ ref('stg_raw__link_clicks') }}
),

order_attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

link_attributed_orders as (
    select * from order_attribution
    -- docs/attribution.md#link: the order came through a link the agent shared
    where
        attribution_method = 'link'
        and agent_id is not null
),

links_per_agent_channel as (
    select
        workspace_id,
        agent_id,
        channel,
        count(*) as links_shared,
        max(shared_at) as last_shared_at
    from shared_links
    group by
        workspace_id,
        agent_id,
        channel
),

main_channels as (
    select
        workspace_id,
        agent_id,
        channel,
        -- the channel the agent shared most links on; ties: the latest share, then the channel name
        row_number() over (
            partition by workspace_id, agent_id
            order by links_shared desc, last_shared_at desc, channel asc
        ) as channel_rank
    from links_per_agent_channel
),

reach_per_agent as (
    select
        workspace_id,
        agent_id,
        count(*) as links_shared,
        count(distinct channel) as channels,
        count(distinct contact_id) as customers_reached
    from shared_links
    group by
        workspace_id,
        agent_id
),

clicked_links as (
    select distinct
        shared_links.workspace_id,
        shared_links.link_id
    from shared_links
    inner join link_clicks
        on
            shared_links.workspace_id = link_clicks.workspace_id
            and shared_links.link_id = link_clicks.link_id
),

clicked_contacts as (
    select
        shared_links.workspace_id,
        shared_links.agent_id,
        shared_links.contact_id
    from shared_links
    inner join clicked_links
        on
            shared_links.workspace_id = clicked_links.workspace_id
            and shared_links.link_id = clicked_links.link_id
    union all
    -- an order through the link proves the click when its link_click was lost (docs/DECISIONS.md)
    select
        workspace_id,
        agent_id,
        contact_id
    from link_attributed_orders
),

clicks_per_agent as (
    select
        workspace_id,
        agent_id,
        count(distinct contact_id) as customers_clicked
    from clicked_contacts
    group by
        workspace_id,
        agent_id
),

orders_per_agent as (
    select
        workspace_id,
        agent_id,
        count(*) as attributed_orders,
        count(distinct contact_id) as customers_purchased,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue
    from link_attributed_orders
    group by
        workspace_id,
        agent_id
),

helpdesk_revenue_per_workspace as (
    select
        workspace_id,
        sum(gross_revenue) as helpdesk_gross_revenue
    from order_attribution
    where source_type = 'helpdesk'
    group by workspace_id
),

agents_with_totals as (
    select
        agents.workspace_id,
        agents.agent_id,
        agents.agent_name,
        agents.team,
        main_channels.channel,
        coalesce(reach_per_agent.channels, 0) as channels,
        coalesce(reach_per_agent.links_shared, 0) as links_shared,
        coalesce(reach_per_agent.customers_reached, 0) as customers_reached,
        coalesce(clicks_per_agent.customers_clicked, 0) as customers_clicked,
        coalesce(orders_per_agent.customers_purchased, 0) as customers_purchased,
        coalesce(orders_per_agent.attributed_orders, 0) as attributed_orders,
        cast(coalesce(orders_per_agent.gross_revenue, 0) as decimal(18, 2)) as gross_revenue,
        cast(coalesce(orders_per_agent.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        cast(
            coalesce(helpdesk_revenue_per_workspace.helpdesk_gross_revenue, 0) as decimal(18, 2)
        ) as workspace_helpdesk_gross_revenue
    from agents
    left join main_channels
        on
            agents.workspace_id = main_channels.workspace_id
            and agents.agent_id = main_channels.agent_id
            and main_channels.channel_rank = 1
    left join reach_per_agent
        on
            agents.workspace_id = reach_per_agent.workspace_id
            and agents.agent_id = reach_per_agent.agent_id
    left join clicks_per_agent
        on
            agents.workspace_id = clicks_per_agent.workspace_id
            and agents.agent_id = clicks_per_agent.agent_id
    left join orders_per_agent
        on
            agents.workspace_id = orders_per_agent.workspace_id
            and agents.agent_id = orders_per_agent.agent_id
    left join helpdesk_revenue_per_workspace
        on agents.workspace_id = helpdesk_revenue_per_workspace.workspace_id
),

agents_with_ratios as (
    select
        workspace_id,
        agent_id,
        agent_name,
        team,
        channel,
        channels,
        links_shared,
        customers_reached,
        customers_clicked,
        customers_purchased,
        attributed_orders,
        gross_revenue,
        net_revenue,
        workspace_helpdesk_gross_revenue,
        -- docs/attribution.md#ratios: conversion = purchased / clicked, null when nobody clicked
        {{ safe_divide('customers_purchased', 'customers_clicked') }} as conversion_rate,
        -- docs/attribution.md#ratios: share of the workspace's helpdesk revenue, null when it has none
        {{ safe_divide('gross_revenue', 'workspace_helpdesk_gross_revenue') }} as helpdesk_revenue_share
    from agents_with_totals
)

select * from agents_with_ratios
