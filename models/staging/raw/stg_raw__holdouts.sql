with

base as (
    select * from {{ ref('base_raw__holdouts') }}
),

usable as (
    select
        workspace_id,
        campaign_id,
        flow_id,
        contact_id,
        holdout_group,
        assigned_at
    from base
    where rejection_reason is null
)

select * from usable
