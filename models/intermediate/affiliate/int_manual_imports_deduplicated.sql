with

manual_imports as (
    select * from {{ ref('stg_raw__manual_revenue_imports') }}
),

postbacks as (
    select * from {{ ref('stg_raw__affiliate_postbacks') }}
),

postback_click_dates as (
    select distinct
        workspace_id,
        click_id,
        conversion_date
    from postbacks
    where click_id is not null
),

imports_flagged as (
    select
        manual_imports.workspace_id,
        manual_imports.import_id,
        manual_imports.click_id,
        manual_imports.file_name,
        -- docs/attribution.md#affiliate-conversions: a postback with the same click_id converted on the
        -- import's UTC date
        case
            when postback_click_dates.click_id is not null then 'duplicate_of_postback'
        end as duplicate_reason,
        manual_imports.revenue,
        manual_imports.conversion_date,
        manual_imports.imported_at
    from manual_imports
    left join postback_click_dates
        on
            manual_imports.workspace_id = postback_click_dates.workspace_id
            and manual_imports.click_id = postback_click_dates.click_id
            and manual_imports.conversion_date = postback_click_dates.conversion_date
)

select * from imports_flagged
