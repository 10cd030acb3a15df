with

orders as (
    select * from {{ ref('stg_raw__shop_orders') }}
),

shared_links as (
    select * from {{ ref('stg_raw__shared_links') }}
),

final as (
    select
        orders.workspace_id,
        orders.order_id,
        shared_links.link_id,
        shared_links.agent_id,
        shared_links.contact_id,
        shared_links.conversation_id,
        shared_links.link_type,
        shared_links.channel,
        shared_links.shared_at,
        orders.created_at
    from orders
    -- docs/attribution.md#link: the order's shared_link_id names a link of its own workspace ...
    inner join shared_links
        on
            orders.workspace_id = shared_links.workspace_id
            and orders.shared_link_id = shared_links.link_id
    -- docs/attribution.md#link: ... shared no later than the order was created
    where shared_links.shared_at <= orders.created_at
)

select * from final
