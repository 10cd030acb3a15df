with

orders as (
    select * from {{ ref('stg_raw__shop_orders') }}
),

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

customer_stitches as (
    select * from {{ ref('int_contacts_stitched_to_customers') }}
),

stitched_through_customer as (
    select
        orders.workspace_id,
        orders.order_id,
        customer_stitches.contact_id,
        orders.shop_customer_id,
        customer_stitches.stitch_method,
        1 as stitch_method_rank,
        orders.created_at
    from orders
    -- docs/attribution.md#identity-stitching: every contact stitched to the order's customer counts
    inner join customer_stitches
        on
            orders.workspace_id = customer_stitches.workspace_id
            and orders.shop_customer_id = customer_stitches.shop_customer_id
),

guest_orders as (
    select * from orders
    where shop_customer_id is null
),

stitched_through_guest_email as (
    select
        guest_orders.workspace_id,
        guest_orders.order_id,
        contacts.contact_id,
        guest_orders.shop_customer_id,
        'email' as stitch_method,
        2 as stitch_method_rank,
        guest_orders.created_at
    from guest_orders
    -- docs/attribution.md#identity-stitching: a guest order stitches through its own e-mail
    inner join contacts
        on
            guest_orders.workspace_id = contacts.workspace_id
            and guest_orders.email_normalized = contacts.email_normalized
    where guest_orders.email_normalized is not null
),

stitched_through_guest_phone as (
    select
        guest_orders.workspace_id,
        guest_orders.order_id,
        contacts.contact_id,
        guest_orders.shop_customer_id,
        'phone' as stitch_method,
        3 as stitch_method_rank,
        guest_orders.created_at
    from guest_orders
    -- docs/attribution.md#identity-stitching: ... and through its own phone, in E.164
    inner join contacts
        on
            guest_orders.workspace_id = contacts.workspace_id
            and guest_orders.phone_e164 = contacts.phone_e164
    where guest_orders.phone_e164 is not null
),

all_stitches as (
    select * from stitched_through_customer
    union all
    select * from stitched_through_guest_email
    union all
    select * from stitched_through_guest_phone
),

ranked_stitches as (
    select
        *,
        row_number() over (
            partition by workspace_id, order_id, contact_id
            order by stitch_method_rank, stitch_method
        ) as stitch_rank
    from all_stitches
),

final as (
    select
        workspace_id,
        order_id,
        contact_id,
        shop_customer_id,
        stitch_method,
        shop_customer_id is null as is_guest_order,
        created_at
    from ranked_stitches
    where stitch_rank = 1
)

select * from final
