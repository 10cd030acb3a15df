with

order_contacts as (
    select * from {{ ref('int_orders_stitched_to_contacts') }}
),

order_settings as (
    select * from {{ ref('int_orders_matched_to_settings') }}
),

touches as (
    select * from {{ ref('int_touches_of_contacts_with_orders') }}
),

latest_touches as (
    {{ last_touch(
        'order_contacts',
        'touches',
        touch_columns=['message_id', 'event_type', 'source_type', 'campaign_id', 'flow_id', 'channel']
    ) }}
),

final as (
    select
        latest_touches.workspace_id,
        latest_touches.order_id,
        latest_touches.contact_id,
        latest_touches.event_id,
        latest_touches.message_id,
        latest_touches.event_type,
        latest_touches.source_type,
        latest_touches.campaign_id,
        latest_touches.flow_id,
        latest_touches.channel,
        order_settings.window_days,
        -- docs/attribution.md#last-touch: created_at - window <= occurred_at, inclusive (the latest touch is
        -- in the window or no touch is); applied after the search, as the ASOF join asks
        latest_touches.touch_at >= order_settings.window_starts_at as is_within_window,
        latest_touches.touch_at,
        order_settings.window_starts_at,
        order_settings.created_at
    from latest_touches
    inner join order_settings
        on
            latest_touches.workspace_id = order_settings.workspace_id
            and latest_touches.order_id = order_settings.order_id
)

select * from final
