with

base as (
    select * from {{ ref('base_raw__attribution_settings') }}
),

usable as (
    select
        workspace_id,
        window_days,
        is_coupon_attribution_enabled,
        effective_from
    from base
    where rejection_reason is null
)

select * from usable
