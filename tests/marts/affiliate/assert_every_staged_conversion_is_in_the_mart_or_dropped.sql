-- docs/contract.md#bad-input, docs/attribution.md#affiliate-conversions: every staged postback and manual
-- import is exactly one conversion of
-- fct_affiliate_conversions, or (imports only) dropped as a duplicate of a postback and
-- recorded in dq_rejected_rows with disposition 'dropped_in_attribution'; never both.
with

postbacks as (
    select * from {{ ref('stg_raw__affiliate_postbacks') }}
),

manual_imports as (
    select * from {{ ref('stg_raw__manual_revenue_imports') }}
),

conversions as (
    select * from {{ ref('fct_affiliate_conversions') }}
),

rejected_rows as (
    select * from {{ ref('dq_rejected_rows') }}
),

staged_rows as (
    select
        'postback' as conversion_source,
        {{ dq_row_key(['workspace_id', 'postback_id']) }} as row_key
    from postbacks
    union all
    select
        'manual' as conversion_source,
        {{ dq_row_key(['workspace_id', 'import_id']) }} as row_key
    from manual_imports
),

outcomes as (
    select
        conversion_source,
        case
            when conversion_source = 'postback' then {{ dq_row_key(['workspace_id', 'postback_id']) }}
            else {{ dq_row_key(['workspace_id', 'import_id']) }}
        end as row_key
    from conversions
    union all
    select
        'manual' as conversion_source,
        row_key
    from rejected_rows
    where
        source_table = 'manual_revenue_imports'
        and disposition = 'dropped_in_attribution'
),

outcome_counts as (
    select
        conversion_source,
        row_key,
        count(*) as outcome_count
    from outcomes
    group by
        conversion_source,
        row_key
),

reconciled as (
    select
        coalesce(staged_rows.conversion_source, outcome_counts.conversion_source) as conversion_source,
        coalesce(staged_rows.row_key, outcome_counts.row_key) as row_key,
        coalesce(outcome_counts.outcome_count, 0) as outcome_count,
        staged_rows.row_key is not null as is_staged
    from staged_rows
    full outer join outcome_counts
        on
            staged_rows.conversion_source = outcome_counts.conversion_source
            and staged_rows.row_key = outcome_counts.row_key
)

select * from reconciled
where
    outcome_count != 1
    or not is_staged
