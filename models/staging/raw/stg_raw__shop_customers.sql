with

base as (
    select * from {{ ref('base_raw__shop_customers') }}
),

usable as (
    select
        workspace_id,
        shop_customer_id,
        email_normalized,
        phone_e164,
        country_code,
        created_at
    from base
    where rejection_reason is null
)

select * from usable
