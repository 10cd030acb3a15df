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
    -- one row per message milestone, by the UTC quarter hour it happened in
    select
        workspace_id,
        campaign_id,
        timezone,
        'sent' as milestone,
        {{ utc_quarter_hour('sent_at') }} as utc_quarter_hour
    from campaign_messages
    union all
    select
        workspace_id,
        campaign_id,
        timezone,
        'delivered' as milestone,
        {{ utc_quarter_hour('delivered_at') }} as utc_quarter_hour
    from campaign_messages
    where delivered_at is not null
    union all
    select
        workspace_id,
        campaign_id,
        timezone,
        'viewed' as milestone,
        {{ utc_quarter_hour('viewed_at') }} as utc_quarter_hour
    from campaign_messages
    where viewed_at is not null
    union all
    select
        workspace_id,
        campaign_id,
        timezone,
        'clicked' as milestone,
        {{ utc_quarter_hour('clicked_at') }} as utc_quarter_hour
    from campaign_messages
    where clicked_at is not null
    union all
    select
        workspace_id,
        campaign_id,
        timezone,
        'goal' as milestone,
        {{ utc_quarter_hour('goal_at') }} as utc_quarter_hour
    from campaign_messages
    where goal_at is not null
),

stats_per_quarter_hour as (
    select
        workspace_id,
        campaign_id,
        timezone,
        utc_quarter_hour,
        count(case when milestone = 'sent' then 1 end) as sent,
        count(case when milestone = 'delivered' then 1 end) as delivered,
        count(case when milestone = 'viewed' then 1 end) as viewed,
        count(case when milestone = 'clicked' then 1 end) as clicked,
        count(case when milestone = 'goal' then 1 end) as goal
    from milestones
    group by
        workspace_id,
        campaign_id,
        timezone,
        utc_quarter_hour
),

-- each distinct (zone, UTC quarter hour) dated once, in the workspace's time zone
local_dates as (
    {{ local_date_lookup('stats_per_quarter_hour', 'utc_quarter_hour', 'workspaces', 'timezone') }}
),

stats_per_day as (
    select
        stats_per_quarter_hour.workspace_id,
        stats_per_quarter_hour.campaign_id,
        cast(sum(stats_per_quarter_hour.sent) as {{ dbt.type_bigint() }}) as sent,
        cast(sum(stats_per_quarter_hour.delivered) as {{ dbt.type_bigint() }}) as delivered,
        cast(sum(stats_per_quarter_hour.viewed) as {{ dbt.type_bigint() }}) as viewed,
        cast(sum(stats_per_quarter_hour.clicked) as {{ dbt.type_bigint() }}) as clicked,
        cast(sum(stats_per_quarter_hour.goal) as {{ dbt.type_bigint() }}) as goal,
        local_dates.local_date as activity_date
    from stats_per_quarter_hour
    inner join local_dates
        on
            stats_per_quarter_hour.timezone = local_dates.timezone
            and stats_per_quarter_hour.utc_quarter_hour = local_dates.utc_quarter_hour
    group by
        stats_per_quarter_hour.workspace_id,
        stats_per_quarter_hour.campaign_id,
        local_dates.local_date
)

select * from stats_per_day
