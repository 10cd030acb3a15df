with

base as (
    select * from {{ ref('base_raw__flows') }}
),

usable as (
    select
        workspace_id,
        flow_id,
        flow_name,
        flow_type,
        channel,
        status,
        created_at
    from base
    where rejection_reason is null
)

select * from usable
