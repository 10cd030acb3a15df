with

base as (
    select * from {{ ref('base_raw__identity_links') }}
),

usable as (
    select
        workspace_id,
        contact_id,
        shop_customer_id,
        method,
        linked_at
    from base
    where rejection_reason is null
)

select * from usable
