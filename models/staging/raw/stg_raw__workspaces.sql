with

base as (
    select * from {{ ref('base_raw__workspaces') }}
),

usable as (
    select
        workspace_id,
        workspace_name,
        timezone,
        currency,
        created_at
    from base
    where rejection_reason is null
)

select * from usable
