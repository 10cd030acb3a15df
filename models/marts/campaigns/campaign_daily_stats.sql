{{ config(merge_clauses=tombstone_merge_clauses('sent')) }}
{#- Counts add up: an incremental run adds to the stored days the milestones of the
    funnel rows this run writes and takes away those of the rows they replace
    (macros/incremental/this_run.sql), without reading the funnel. When that cannot
    tell (this model missed a run of the funnel) or a workspace row changed since the
    last run (its time zone dates every milestone), it recounts everything from the
    funnel instead. -#}
{%- if not execute %}
-- depends_on: {{ ref('base_raw__workspaces') }}
-- depends_on: {{ ref('int_message_funnel_this_run') }}
{%- endif %}
{%- set funnel_columns = [
    'workspace_id', 'campaign_id', 'sent_at', 'delivered_at', 'viewed_at', 'clicked_at', 'goal_at'
] -%}
{%- set keys = ['workspace_id', 'campaign_id', 'activity_date'] -%}

with

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

{% if is_incremental() -%}
recount as (
    select
        {{ recomputes_everything('fct_message_funnel') }}
        or exists (
            select 1 from {{ ref('base_raw__workspaces') }}
            where _loaded_at > {{ incremental_watermark() }}
        ) as is_recount
),

-- the funnel rows this run writes count up, those they replace down; or, on a recount,
-- every funnel row up
funnel_changes as (
    {{ row_versions_this_run(
        'fct_message_funnel', funnel_columns, 'sent_at',
        "source_type = 'campaign' and not (select recount.is_recount from recount)"
    ) }}
    union all
    select
        {{ funnel_columns | join(',\n        ') }},
        1 as weight
    from {{ ref('fct_message_funnel') }}
    where source_type = 'campaign' and (select recount.is_recount from recount)
),

{%- else -%}
funnel_changes as (
    select
        {{ funnel_columns | join(',\n        ') }},
        1 as weight
    from {{ ref('fct_message_funnel') }}
    where source_type = 'campaign'
),

{%- endif %}

campaign_messages as (
    select
        funnel_changes.workspace_id,
        funnel_changes.campaign_id,
        workspaces.timezone,
        funnel_changes.sent_at,
        -- a read or click proves delivery when the delivered webhook was lost (docs/DECISIONS.md)
        least(
            funnel_changes.delivered_at,
            funnel_changes.viewed_at,
            funnel_changes.clicked_at
        ) as delivered_at,
        funnel_changes.viewed_at,
        funnel_changes.clicked_at,
        funnel_changes.goal_at,
        funnel_changes.weight
    from funnel_changes
    inner join workspaces
        on funnel_changes.workspace_id = workspaces.workspace_id
),

milestones as (
    -- one row per message milestone, by the UTC quarter hour it happened in
    select
        workspace_id,
        campaign_id,
        timezone,
        'sent' as milestone,
        weight,
        {{ utc_quarter_hour('sent_at') }} as utc_quarter_hour
    from campaign_messages
    union all
    select
        workspace_id,
        campaign_id,
        timezone,
        'delivered' as milestone,
        weight,
        {{ utc_quarter_hour('delivered_at') }} as utc_quarter_hour
    from campaign_messages
    where delivered_at is not null
    union all
    select
        workspace_id,
        campaign_id,
        timezone,
        'viewed' as milestone,
        weight,
        {{ utc_quarter_hour('viewed_at') }} as utc_quarter_hour
    from campaign_messages
    where viewed_at is not null
    union all
    select
        workspace_id,
        campaign_id,
        timezone,
        'clicked' as milestone,
        weight,
        {{ utc_quarter_hour('clicked_at') }} as utc_quarter_hour
    from campaign_messages
    where clicked_at is not null
    union all
    select
        workspace_id,
        campaign_id,
        timezone,
        'goal' as milestone,
        weight,
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
        sum(case when milestone = 'sent' then weight else 0 end) as sent,
        sum(case when milestone = 'delivered' then weight else 0 end) as delivered,
        sum(case when milestone = 'viewed' then weight else 0 end) as viewed,
        sum(case when milestone = 'clicked' then weight else 0 end) as clicked,
        sum(case when milestone = 'goal' then weight else 0 end) as goal
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

{% if is_incremental() -%}
,

-- the stored days that changed (every stored day on a recount: a day left with no
-- activity goes), with the counts added up
stored_days as (
    select stored.*
    from {{ this }} as stored
    where
        (select recount.is_recount from recount)
        or {{ in_affected_keys('stats_per_day', 'stored', keys) }}
),

merged as (
    select
        {%- for key in keys %}
        coalesce(stats_per_day.{{ key }}, stored_days.{{ key }}) as {{ key }},
        {%- endfor %}
        {%- for milestone in ['sent', 'delivered', 'viewed', 'clicked', 'goal'] %}
        case when (select recount.is_recount from recount) then 0 else coalesce(stored_days.{{ milestone }}, 0) end
        + coalesce(stats_per_day.{{ milestone }}, 0) as {{ milestone }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    from stats_per_day
    full outer join stored_days
        on
            stats_per_day.workspace_id = stored_days.workspace_id
            and stats_per_day.campaign_id = stored_days.campaign_id
            and stats_per_day.activity_date = stored_days.activity_date
)

-- a day left with no activity goes: a tombstone (sent null)
select
    workspace_id,
    campaign_id,
    {%- for milestone in ['sent', 'delivered', 'viewed', 'clicked', 'goal'] %}
    case when has_activity then cast({{ milestone }} as {{ dbt.type_bigint() }}) end as {{ milestone }},
    {%- endfor %}
    activity_date
from (
    select
        *,
        sent <> 0 or delivered <> 0 or viewed <> 0 or clicked <> 0 or goal <> 0 as has_activity
    from merged
) as merged_with_activity
{%- else %}

select * from stats_per_day
{%- endif %}
