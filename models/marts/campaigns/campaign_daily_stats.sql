with

message_funnel as (
    select * from {{ ref('fct_message_funnel') }}
),

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

campaign_messages as (
    select
        message_funnel.workspace_id,
        message_funnel.campaign_id,
        workspaces.timezone,
        message_funnel.sent_at,
        -- a read or click proves delivery when the delivered webhook was lost (docs/DECISIONS.md)
        least(
            message_funnel.delivered_at,
            message_funnel.viewed_at,
            message_funnel.clicked_at
        ) as delivered_at,
        message_funnel.viewed_at,
        message_funnel.clicked_at,
        message_funnel.goal_at
    from message_funnel
    inner join workspaces
        on message_funnel.workspace_id = workspaces.workspace_id
    where message_funnel.source_type = 'campaign'
),

milestones as (
    -- one row per message milestone, dated in the workspace's time zone on the day it happened
    select
        workspace_id,
        campaign_id,
        'sent' as milestone,
        {{ to_local_date('sent_at', 'timezone') }} as activity_date
    from campaign_messages
    union all
    select
        workspace_id,
        campaign_id,
        'delivered' as milestone,
        {{ to_local_date('delivered_at', 'timezone') }} as activity_date
    from campaign_messages
    where delivered_at is not null
    union all
    select
        workspace_id,
        campaign_id,
        'viewed' as milestone,
        {{ to_local_date('viewed_at', 'timezone') }} as activity_date
    from campaign_messages
    where viewed_at is not null
    union all
    select
        workspace_id,
        campaign_id,
        'clicked' as milestone,
        {{ to_local_date('clicked_at', 'timezone') }} as activity_date
    from campaign_messages
    where clicked_at is not null
    union all
    select
        workspace_id,
        campaign_id,
        'goal' as milestone,
        {{ to_local_date('goal_at', 'timezone') }} as activity_date
    from campaign_messages
    where goal_at is not null
),

stats_per_day as (
    select
        workspace_id,
        campaign_id,
        count(case when milestone = 'sent' then 1 end) as sent,
        count(case when milestone = 'delivered' then 1 end) as delivered,
        count(case when milestone = 'viewed' then 1 end) as viewed,
        count(case when milestone = 'clicked' then 1 end) as clicked,
        count(case when milestone = 'goal' then 1 end) as goal,
        activity_date
    from milestones
    group by
        workspace_id,
        campaign_id,
        activity_date
)

select * from stats_per_day
