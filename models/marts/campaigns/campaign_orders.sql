with

order_attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

campaigns as (
    select * from {{ ref('stg_raw__campaigns') }}
),

contacts as (
    select * from {{ ref('stg_raw__contacts') }}
),

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

campaign_credited_orders as (
    select * from order_attribution
    -- docs/contract.md#marts: every order credited to a campaign, by last touch or by coupon
    where campaign_id is not null
),

orders_for_export as (
    select
        campaign_credited_orders.workspace_id,
        campaign_credited_orders.campaign_id,
        campaign_credited_orders.order_id,
        campaign_credited_orders.contact_id,
        campaign_credited_orders.shop_customer_id,
        campaign_credited_orders.message_id,
        campaigns.campaign_name,
        -- docs/attribution.md#contacts-and-pii: the customer's number only masked, the e-mail only hashed
        {{ mask_phone('contacts.phone_e164') }} as customer_phone_masked,
        {{ hash_email('contacts.email_normalized') }} as customer_email_hashed,
        campaign_credited_orders.attribution_method,
        campaign_credited_orders.channel,
        campaign_credited_orders.coupon_code,
        workspaces.currency,
        campaign_credited_orders.gross_revenue,
        campaign_credited_orders.net_revenue,
        campaign_credited_orders.is_cancelled,
        campaign_credited_orders.order_date,
        campaign_credited_orders.created_at,
        campaign_credited_orders.touch_at
    from campaign_credited_orders
    left join campaigns
        on
            campaign_credited_orders.workspace_id = campaigns.workspace_id
            and campaign_credited_orders.campaign_id = campaigns.campaign_id
    left join contacts
        on
            campaign_credited_orders.workspace_id = contacts.workspace_id
            and campaign_credited_orders.contact_id = contacts.contact_id
    left join workspaces
        on campaign_credited_orders.workspace_id = workspaces.workspace_id
)

select * from orders_for_export
