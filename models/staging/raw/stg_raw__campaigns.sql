with

base as (
    select * from {{ ref('base_raw__campaigns') }}
),

usable as (
    select
        workspace_id,
        campaign_id,
        creative_id,
        offer_id,
        campaign_name,
        channel,
        status,
        sending_list,
        published_at
    from base
    where rejection_reason is null
)

select * from usable
