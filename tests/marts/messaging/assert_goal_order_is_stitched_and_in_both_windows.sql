-- docs/attribution.md#message-funnel: a goal order is stitched to the message's contact and created after the first
-- view, within goal_after_view_days of it and within goal_window_days of sending; the
-- view itself is within view_window_days of sending.
with

funnel as (
    select * from {{ ref('fct_message_funnel') }}
),

stitched_orders as (
    select * from {{ ref('int_orders_stitched_to_contacts') }}
),

goals_checked as (
    select
        funnel.workspace_id,
        funnel.message_id,
        funnel.goal_order_id,
        stitched_orders.order_id is not null as is_stitched_to_contact,
        funnel.sent_at,
        funnel.viewed_at,
        funnel.goal_at,
        stitched_orders.created_at as order_created_at
    from funnel
    left join stitched_orders
        on
            funnel.workspace_id = stitched_orders.workspace_id
            and funnel.goal_order_id = stitched_orders.order_id
            and funnel.contact_id = stitched_orders.contact_id
    where funnel.has_goal
)

select * from goals_checked
where
    not is_stitched_to_contact
    or viewed_at is null
    or goal_at != order_created_at
    or viewed_at < sent_at
    or viewed_at > {{ dbt.dateadd('day', var('view_window_days', 7), 'sent_at') }}
    or goal_at < viewed_at
    or goal_at > {{ dbt.dateadd('day', var('goal_after_view_days', 7), 'viewed_at') }}
    or goal_at > {{ dbt.dateadd('day', var('goal_window_days', 30), 'sent_at') }}
