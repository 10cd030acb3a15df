with

base as (
    select * from {{ ref('base_raw__flow_runs') }}
),

usable as (
    select
        workspace_id,
        flow_run_id,
        flow_id,
        contact_id,
        exit_reason,
        is_completed,
        started_at,
        completed_at
    from base
    where rejection_reason is null
)

select * from usable
