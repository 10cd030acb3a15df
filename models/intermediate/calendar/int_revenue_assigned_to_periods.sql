{#- Incremental by revenue row: fct_attributed_revenue is a table rebuilt every run, so
    the rows to write are those that differ from the stored ones (a full comparison of
    one row per order and conversion); the old and new versions are logged for the
    rollups, which recompute the periods they fall in (macros/incremental/change_log.sql). -#}
{%- set key_columns = ['workspace_id', 'revenue_source', 'revenue_id'] -%}
{%- set value_columns = [
    'source_type', 'channel', 'gross_revenue', 'net_revenue', 'is_order', 'is_conversion', 'revenue_date'
] -%}

with

revenue as (
    select * from {{ ref('fct_attributed_revenue') }}
),

revenue_classified as (
    select
        workspace_id,
        revenue_source,
        revenue_id,
        case
            -- docs/attribution.md#revenue-rollups: what no source earned is its own type, so the totals are whole
            when not is_attributed then 'unattributed'
            -- docs/attribution.md#revenue-rollups: an affiliate conversion is 'affiliate' whatever message it
            -- was credited to
            when revenue_source = 'affiliate' then 'affiliate'
            else source_type
        end as source_type,
        case
            -- a non-null placeholder keeps the rollup grain free of nulls
            when not is_attributed then 'none'
            else coalesce(channel, 'unknown')
        end as channel,
        gross_revenue,
        net_revenue,
        revenue_source = 'shop_order' as is_order,
        revenue_source = 'affiliate' as is_conversion,
        revenue_date
    from revenue
),

revenue_with_periods as (
    select
        workspace_id,
        revenue_source,
        revenue_id,
        source_type,
        channel,
        gross_revenue,
        net_revenue,
        is_order,
        is_conversion,
        -- docs/attribution.md#revenue-rollups: periods are local; revenue_date is already the local date of the revenue
        revenue_date,
        -- docs/attribution.md#revenue-rollups: weeks start on Monday
        {{ week_start_date('revenue_date') }} as week_start_date,
        {{ month_start_date('revenue_date') }} as month_start_date
    from revenue_classified
)
{%- if is_incremental() %},

affected_revenue as (
    {{ keys_differing_from_stored('revenue_with_periods', 'true', key_columns, value_columns) }}
),

changed_revenue as (
    select * from revenue_with_periods
    where {{ in_affected_keys('affected_revenue', 'revenue_with_periods', key_columns) }}
)

-- a revenue row that went (an order rejected later): a tombstone (channel null)
{{ select_with_tombstones('changed_revenue', 'affected_revenue', key_columns) }}
{%- else %}

select * from revenue_with_periods
{%- endif %}
