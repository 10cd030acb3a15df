-- docs/attribution.md#multi-touch-credit: where the order's window fits in the lookback, the path's
-- last touch is the order attribution's touch: an order credited by last touch has it as the path's
-- last touch, and an unattributed order has no path touch inside its window
with

last_touch_credits as (
    select * from {{ ref('fct_order_touch_credits') }}
    where attribution_model = 'last_touch'
),

orders as (
    select * from {{ ref('fct_order_attribution') }}
    where window_days <= {{ var('multi_touch_lookback_days', 30) }}
)

select
    orders.workspace_id,
    orders.order_id,
    orders.attribution_method,
    orders.touch_event_id,
    last_touch_credits.touch_event_id as path_last_touch_event_id
from orders
left join last_touch_credits
    on
        orders.workspace_id = last_touch_credits.workspace_id
        and orders.order_id = last_touch_credits.order_id
where
    (
        orders.attribution_method = 'last_touch'
        and orders.touch_event_id is distinct from last_touch_credits.touch_event_id
    )
    -- an unattributed order had no touch in its window (when last touch is a rule at all)
    or (
        {{ 'true' if 'last_touch' in attribution_precedence() else 'false' }}
        and not orders.is_attributed
        and last_touch_credits.touch_at >= {{ dbt.dateadd('hour', '-24 * orders.window_days', 'orders.created_at') }}
    )
