with

base as (
    select * from {{ ref('base_raw__agents') }}
),

usable as (
    select
        workspace_id,
        agent_id,
        agent_name,
        team
    from base
    where rejection_reason is null
)

select * from usable
