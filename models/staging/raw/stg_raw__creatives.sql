with

base as (
    select * from {{ ref('base_raw__creatives') }}
),

usable as (
    select
        workspace_id,
        creative_id,
        offer_id,
        creative_name
    from base
    where rejection_reason is null
)

select * from usable
