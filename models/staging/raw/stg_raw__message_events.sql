with

base as (
    select * from {{ ref('base_raw__message_events') }}
),

usable as (
    select
        workspace_id,
        event_id,
        message_id,
        event_type,
        click_id,
        url,
        occurred_at
    from base
    where rejection_reason is null
)

select * from usable
