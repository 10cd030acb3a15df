-- docs/attribution.md#holdout-lift: each contact of a holdout split with the orders stitched
-- to it that were created within the lift window after its assignment
with

holdouts as (
    select
        workspace_id,
        case when campaign_id is not null then 'campaign' else 'flow' end as source_type,
        coalesce(campaign_id, flow_id) as source_id,
        contact_id,
        holdout_group,
        assigned_at
    from {{ ref('stg_raw__holdouts') }}
),

stitched_orders as (
    select
        workspace_id,
        order_id,
        contact_id,
        created_at
    from {{ ref('int_orders_stitched_to_contacts') }}
),

orders as (
    select
        workspace_id,
        order_id,
        net_revenue
    from {{ ref('fct_order_attribution') }}
),

orders_in_window as (
    select
        holdouts.workspace_id,
        holdouts.source_type,
        holdouts.source_id,
        holdouts.contact_id,
        stitched_orders.order_id,
        stitched_orders.created_at,
        orders.net_revenue
    from holdouts
    inner join stitched_orders
        on
            holdouts.workspace_id = stitched_orders.workspace_id
            and holdouts.contact_id = stitched_orders.contact_id
            and holdouts.assigned_at < stitched_orders.created_at
            and stitched_orders.created_at <= {{ dbt.dateadd(
                'hour', 24 * var('lift_window_days', 7), 'holdouts.assigned_at'
            ) }}
    inner join orders
        on
            stitched_orders.workspace_id = orders.workspace_id
            and stitched_orders.order_id = orders.order_id
),

per_contact as (
    select
        workspace_id,
        source_type,
        source_id,
        contact_id,
        count(*) as orders_in_window,
        min(created_at) as first_order_at,
        sum(net_revenue) as net_revenue
    from orders_in_window
    group by workspace_id, source_type, source_id, contact_id
),

final as (
    select
        holdouts.workspace_id,
        holdouts.source_type,
        holdouts.source_id,
        holdouts.contact_id,
        holdouts.holdout_group,
        holdouts.assigned_at,
        per_contact.first_order_at,
        coalesce(per_contact.orders_in_window, 0) as orders_in_window,
        per_contact.contact_id is not null as is_converted,
        cast(coalesce(per_contact.net_revenue, 0) as decimal(18, 2)) as net_revenue
    from holdouts
    left join per_contact
        on
            holdouts.workspace_id = per_contact.workspace_id
            and holdouts.source_type = per_contact.source_type
            and holdouts.source_id = per_contact.source_id
            and holdouts.contact_id = per_contact.contact_id
)

select * from final
