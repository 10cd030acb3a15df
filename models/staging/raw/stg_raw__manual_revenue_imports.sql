with

base as (
    select * from {{ ref('base_raw__manual_revenue_imports') }}
),

usable as (
    select
        workspace_id,
        import_id,
        click_id,
        file_name,
        revenue,
        conversion_date,
        imported_at
    from base
    where rejection_reason is null
)

select * from usable
