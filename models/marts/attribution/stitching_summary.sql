with

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

customers as (
    select * from {{ ref('stg_raw__shop_customers') }}
),

orders as (
    select * from {{ ref('stg_raw__shop_orders') }}
),

customer_stitches as (
    select * from {{ ref('int_contacts_stitched_to_customers') }}
),

order_contacts as (
    select * from {{ ref('int_orders_stitched_to_contacts') }}
),

contacts_best_method as (
    select
        workspace_id,
        contact_id,
        -- a contact stitched several ways is counted once, under its strongest method
        min(
            case stitch_method
                when 'identity_link' then 1
                when 'email' then 2
                when 'phone' then 3
            end
        ) as stitch_method_rank
    from customer_stitches
    group by workspace_id, contact_id
),

contact_counts as (
    select
        contacts.workspace_id,
        count(*) as contacts,
        count(contacts_best_method.contact_id) as stitched_contacts,
        count(case when contacts_best_method.stitch_method_rank = 1 then 1 end)
            as contacts_stitched_by_identity_link,
        count(case when contacts_best_method.stitch_method_rank = 2 then 1 end)
            as contacts_stitched_by_email,
        count(case when contacts_best_method.stitch_method_rank = 3 then 1 end)
            as contacts_stitched_by_phone
    from contacts
    left join contacts_best_method
        on
            contacts.workspace_id = contacts_best_method.workspace_id
            and contacts.contact_id = contacts_best_method.contact_id
    group by contacts.workspace_id
),

stitched_customers as (
    select distinct
        workspace_id,
        shop_customer_id
    from customer_stitches
),

customer_counts as (
    select
        customers.workspace_id,
        count(*) as customers,
        count(stitched_customers.shop_customer_id) as stitched_customers
    from customers
    left join stitched_customers
        on
            customers.workspace_id = stitched_customers.workspace_id
            and customers.shop_customer_id = stitched_customers.shop_customer_id
    group by customers.workspace_id
),

stitched_order_ids as (
    select distinct
        workspace_id,
        order_id
    from order_contacts
),

order_counts as (
    select
        orders.workspace_id,
        count(*) as orders,
        count(stitched_order_ids.order_id) as stitched_orders,
        count(case when orders.shop_customer_id is null then 1 end) as guest_orders,
        count(
            case when orders.shop_customer_id is null and stitched_order_ids.order_id is not null then 1 end
        ) as stitched_guest_orders
    from orders
    left join stitched_order_ids
        on
            orders.workspace_id = stitched_order_ids.workspace_id
            and orders.order_id = stitched_order_ids.order_id
    group by orders.workspace_id
),

final as (
    select
        workspaces.workspace_id,
        coalesce(contact_counts.contacts, 0) as contacts,
        coalesce(contact_counts.stitched_contacts, 0) as stitched_contacts,
        coalesce(contact_counts.contacts_stitched_by_identity_link, 0) as contacts_stitched_by_identity_link,
        coalesce(contact_counts.contacts_stitched_by_email, 0) as contacts_stitched_by_email,
        coalesce(contact_counts.contacts_stitched_by_phone, 0) as contacts_stitched_by_phone,
        coalesce(customer_counts.customers, 0) as customers,
        coalesce(customer_counts.stitched_customers, 0) as stitched_customers,
        coalesce(order_counts.orders, 0) as orders,
        coalesce(order_counts.stitched_orders, 0) as stitched_orders,
        coalesce(order_counts.guest_orders, 0) as guest_orders,
        coalesce(order_counts.stitched_guest_orders, 0) as stitched_guest_orders,
        -- docs/attribution.md#ratios: a ratio is null where its denominator is 0
        1.0 * contact_counts.stitched_contacts
        / nullif(contact_counts.contacts, 0) as stitch_rate,
        1.0 * customer_counts.stitched_customers
        / nullif(customer_counts.customers, 0) as customer_stitch_rate,
        1.0 * order_counts.stitched_orders
        / nullif(order_counts.orders, 0) as order_stitch_rate
    from workspaces
    left join contact_counts
        on workspaces.workspace_id = contact_counts.workspace_id
    left join customer_counts
        on workspaces.workspace_id = customer_counts.workspace_id
    left join order_counts
        on workspaces.workspace_id = order_counts.workspace_id
)

select * from final
