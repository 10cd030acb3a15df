-- docs/attribution.md#multi-touch-credit: every touch of an order's stitched contacts in
-- [created_at - lookback, created_at], both ends inclusive, numbered by time then event id
with

order_contacts as (
    select
        workspace_id,
        order_id,
        contact_id,
        created_at
    from {{ ref('int_orders_stitched_to_contacts') }}
),

touches as (
    select * from {{ ref('int_touches_of_contacts_with_orders') }}
),

path_touches as (
    select
        order_contacts.workspace_id,
        order_contacts.order_id,
        order_contacts.created_at,
        touches.event_id as touch_event_id,
        touches.occurred_at as touch_at,
        touches.event_type as touch_event_type,
        touches.contact_id,
        touches.message_id,
        touches.source_type,
        touches.campaign_id,
        touches.flow_id,
        touches.channel
    from order_contacts
    inner join touches
        on
            order_contacts.workspace_id = touches.workspace_id
            and order_contacts.contact_id = touches.contact_id
            and order_contacts.created_at >= touches.occurred_at
            and touches.occurred_at >= {{ dbt.dateadd(
                'hour', -24 * var('multi_touch_lookback_days', 30), 'order_contacts.created_at'
            ) }}
),

final as (
    select
        workspace_id,
        order_id,
        created_at,
        touch_event_id,
        touch_at,
        touch_event_type,
        contact_id,
        message_id,
        source_type,
        case when source_type = 'campaign' then campaign_id else flow_id end as source_id,
        campaign_id,
        flow_id,
        channel,
        row_number() over (
            partition by workspace_id, order_id
            order by touch_at asc, touch_event_id asc
        ) as touch_position,
        count(*) over (partition by workspace_id, order_id) as path_length,
        -- whole seconds from the touch to the order: the age time decay weighs
        {{ dbt.datediff('touch_at', 'created_at', 'second') | trim }} as touch_age_seconds
    from path_touches
)

select * from final
