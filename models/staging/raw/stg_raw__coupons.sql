with

base as (
    select * from {{ ref('base_raw__coupons') }}
),

usable as (
    select
        workspace_id,
        coupon_code,
        coupon_code_as_defined,
        source_type,
        source_id,
        contact_id,
        is_generated_by_platform,
        distributed_at
    from base
    where rejection_reason is null
)

select * from usable
