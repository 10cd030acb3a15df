with

base as (
    select * from {{ ref('base_raw__order_refunds') }}
),

usable as (
    select
        workspace_id,
        refund_id,
        order_id,
        amount,
        refund_amount,
        refunded_at
    from base
    where rejection_reason is null
)

select * from usable
