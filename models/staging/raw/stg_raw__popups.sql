with

base as (
    select * from {{ ref('base_raw__popups') }}
),

usable as (
    select
        workspace_id,
        popup_id,
        popup_name,
        created_at
    from base
    where rejection_reason is null
)

select * from usable
