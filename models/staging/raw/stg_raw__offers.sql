with

base as (
    select * from {{ ref('base_raw__offers') }}
),

usable as (
    select
        workspace_id,
        offer_id,
        offer_name,
        network,
        attribution_window_hours
    from base
    where rejection_reason is null
)

select * from usable
