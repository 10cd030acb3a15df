with

base as (
    select * from {{ ref('base_raw__messages') }}
),

usable as (
    select
        workspace_id,
        message_id,
        contact_id,
        source_type,
        campaign_id,
        flow_id,
        flow_run_id,
        agent_id,
        creative_id,
        offer_id,
        conversation_id,
        channel,
        conversation_category,
        cost,
        segments,
        sent_at,
        sent_date
    from base
    where rejection_reason is null
)

select * from usable
