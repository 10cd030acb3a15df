with

stitched_orders as (
    select * from {{ ref('int_orders_stitched_to_contacts') }}
),

-- a goal is an order of the message's contact: only contacts stitched to an order can
-- reach one (filtered before the join with the events: 2.7 s -> 2.0 s at 1M contacts)
messages as (
    select * from {{ ref('stg_raw__messages') }}
    where (workspace_id, contact_id) in (
        select
            stitched_orders.workspace_id,
            stitched_orders.contact_id
        from stitched_orders
    )
),

message_events as (
    select * from {{ ref('int_message_events_aggregated') }}
),

viewed_messages as (
    select
        messages.workspace_id,
        messages.message_id,
        messages.contact_id,
        messages.sent_at,
        message_events.viewed_at
    from messages
    -- docs/attribution.md#message-funnel: the goal needs a view, so a message without one never reaches it
    inner join message_events
        on
            messages.workspace_id = message_events.workspace_id
            and messages.message_id = message_events.message_id
    where message_events.viewed_at is not null
),

goal_candidates as (
    select
        viewed_messages.workspace_id,
        viewed_messages.message_id,
        stitched_orders.order_id,
        stitched_orders.created_at,
        row_number() over (
            partition by viewed_messages.workspace_id, viewed_messages.message_id
            order by stitched_orders.created_at, stitched_orders.order_id
        ) as goal_rank
    from viewed_messages
    inner join stitched_orders
        on
            viewed_messages.workspace_id = stitched_orders.workspace_id
            and viewed_messages.contact_id = stitched_orders.contact_id
            -- docs/attribution.md#message-funnel: within goal_window_days after sent_at, both ends inclusive
            and viewed_messages.sent_at <= stitched_orders.created_at
            and {{ dbt.dateadd('day', var('goal_window_days', 30), 'viewed_messages.sent_at') }}
            >= stitched_orders.created_at
            -- docs/attribution.md#message-funnel: and within goal_after_view_days after the first view, both
            -- ends inclusive
            and viewed_messages.viewed_at <= stitched_orders.created_at
            and {{ dbt.dateadd('day', var('goal_after_view_days', 7), 'viewed_messages.viewed_at') }}
            >= stitched_orders.created_at
),

goals_reached as (
    select
        workspace_id,
        message_id,
        order_id as goal_order_id,
        created_at as goal_at
    from goal_candidates
    where goal_rank = 1
)

select * from goals_reached
