with

base as (
    select * from {{ ref('base_raw__shared_links') }}
),

usable as (
    select
        workspace_id,
        link_id,
        agent_id,
        contact_id,
        conversation_id,
        link_type,
        channel,
        shared_at
    from base
    where rejection_reason is null
)

select * from usable
