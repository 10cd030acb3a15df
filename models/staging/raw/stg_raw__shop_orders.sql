with

base as (
    select * from {{ ref('base_raw__shop_orders') }}
),

usable as (
    select
        workspace_id,
        order_id,
        shop_customer_id,
        email_normalized,
        phone_e164,
        discount_codes,
        shared_link_id,
        order_currency,
        workspace_currency,
        total_price,
        total_discounts,
        fx_rate,
        gross_revenue,
        discounts_amount,
        is_cancelled,
        order_date,
        created_at,
        updated_at,
        cancelled_at
    from base
    where rejection_reason is null
)

select * from usable
