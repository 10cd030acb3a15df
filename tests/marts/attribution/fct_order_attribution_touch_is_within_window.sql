-- docs/attribution.md#last-touch: a last-touch credit has its touch in [created_at - window_days × 24 h, created_at];
-- touch columns are set only for last touch
with

attribution as (
    select * from {{ ref('fct_order_attribution') }}
),

violations as (
    select
        workspace_id,
        order_id,
        attribution_method,
        window_days,
        touch_at,
        created_at
    from attribution
    where
        (
            attribution_method = 'last_touch'
            and (
                touch_at is null
                or touch_event_id is null
                or message_id is null
                or touch_at > created_at
                or touch_at < {{ dbt.dateadd('hour', '-24 * window_days', 'created_at') }}
            )
        )
        or (
            coalesce(attribution_method, 'none') != 'last_touch'
            and (touch_at is not null or touch_event_id is not null or message_id is not null)
        )
)

select * from violations
