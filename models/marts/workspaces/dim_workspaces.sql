-- docs/attribution.md#workspaces: the usable workspaces and the settings every other mart reads
-- its local dates and money in
with

workspaces as (
    select * from {{ ref('stg_raw__workspaces') }}
),

final as (
    select
        workspace_id,
        workspace_name,
        timezone,
        currency
    from workspaces
)

select * from final
