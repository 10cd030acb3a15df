with

base as (
    select * from {{ ref('base_raw__link_clicks') }}
),

usable as (
    select
        workspace_id,
        click_event_id,
        link_id,
        clicked_at
    from base
    where rejection_reason is null
)

select * from usable
