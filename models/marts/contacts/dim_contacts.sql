with

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

customer_stitches as (
    select * from {{ ref('int_contacts_stitched_to_customers') }}
),

order_stitches as (
    select * from {{ ref('int_orders_stitched_to_contacts') }}
),

message_funnel as (
    select * from {{ ref('fct_message_funnel') }}
),

order_attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

-- the one definition of a contact's local signup date and month
signups as (
    select * from {{ ref('int_contacts_dated_to_signup_cohorts') }}
),

customers_per_contact as (
    select
        workspace_id,
        contact_id,
        count(distinct shop_customer_id) as stitched_customers
    from customer_stitches
    group by
        workspace_id,
        contact_id
),

orders_stitched_per_contact as (
    select
        workspace_id,
        contact_id,
        count(*) as stitched_orders
    from order_stitches
    group by
        workspace_id,
        contact_id
),

messages_per_contact as (
    select
        workspace_id,
        contact_id,
        count(*) as lifetime_sends,
        count(case when is_clicked then 1 end) as lifetime_clicks,
        min(sent_at) as first_sent_at,
        max(sent_at) as last_sent_at
    from message_funnel
    group by
        workspace_id,
        contact_id
),

orders_per_contact as (
    select
        workspace_id,
        contact_id,
        count(*) as attributed_orders,
        sum(gross_revenue) as gross_revenue,
        sum(net_revenue) as net_revenue,
        min(created_at) as first_attributed_order_at
    from order_attribution
    -- SPEC §4: the orders whose credit names this contact
    where contact_id is not null
    group by
        workspace_id,
        contact_id
),

contacts_with_totals as (
    select
        contacts.workspace_id,
        contacts.contact_id,
        -- SPEC §7: marts show a phone only masked and an e-mail only hashed
        {{ mask_phone('contacts.phone_e164') }} as phone_masked,
        {{ hash_email('contacts.email_normalized') }} as email_hashed,
        contacts.channel,
        contacts.country_code,
        contacts.signup_source,
        contacts.region,
        coalesce(customers_per_contact.stitched_customers, 0) as stitched_customers,
        coalesce(orders_stitched_per_contact.stitched_orders, 0) as stitched_orders,
        coalesce(messages_per_contact.lifetime_sends, 0) as lifetime_sends,
        coalesce(messages_per_contact.lifetime_clicks, 0) as lifetime_clicks,
        coalesce(orders_per_contact.attributed_orders, 0) as attributed_orders,
        cast(coalesce(orders_per_contact.gross_revenue, 0) as decimal(18, 2)) as gross_revenue,
        cast(coalesce(orders_per_contact.net_revenue, 0) as decimal(18, 2)) as net_revenue,
        -- SPEC §3: stitched = joined to a shop customer (as stitching_summary counts)
        customers_per_contact.contact_id is not null as is_stitched,
        signups.signup_date,
        signups.cohort_month as signup_month,
        contacts.created_at,
        messages_per_contact.first_sent_at,
        messages_per_contact.last_sent_at,
        orders_per_contact.first_attributed_order_at
    from contacts
    inner join signups
        on
            contacts.workspace_id = signups.workspace_id
            and contacts.contact_id = signups.contact_id
    left join customers_per_contact
        on
            contacts.workspace_id = customers_per_contact.workspace_id
            and contacts.contact_id = customers_per_contact.contact_id
    left join orders_stitched_per_contact
        on
            contacts.workspace_id = orders_stitched_per_contact.workspace_id
            and contacts.contact_id = orders_stitched_per_contact.contact_id
    left join messages_per_contact
        on
            contacts.workspace_id = messages_per_contact.workspace_id
            and contacts.contact_id = messages_per_contact.contact_id
    left join orders_per_contact
        on
            contacts.workspace_id = orders_per_contact.workspace_id
            and contacts.contact_id = orders_per_contact.contact_id
)

select * from contacts_with_totals
