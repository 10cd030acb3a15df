{#- a new row may duplicate a stored row of another key: every row is compared -#}
{{ config(meta={'raw_rows_compared_whole': true}) }}
{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'manual_revenue_imports',
    ['workspace_id', 'import_id'],
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('manual_revenue_imports', raw_scope) }}
),

workspaces as (
    select workspace_id from {{ ref('stg_raw__workspaces') }}
),

checked as (
    select
        typed.*,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.import_id', 'typed.conversion_date']) }}
            when workspaces.workspace_id is null then 'unknown_workspace_id'
            when typed.conversion_date > cast({{ dq_future_cutoff() }} as date) then 'future_conversion_date'
            when typed.conversion_date < cast('{{ var("dq_min_timestamp", "2000-01-01") }}' as date)
                then 'conversion_date_too_old'
            {{ dq_timestamp_checks('typed.imported_at') }}
            {{ dq_amount_checks('typed.amount') }}
        end as check_reason
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
),

ranked as (
    select
        *,
        -- docs/attribution.md#affiliate-conversions: the same click, date and amount imported again is a duplicate
        row_number() over (
            partition by workspace_id, click_id, conversion_date, amount, check_reason is null
            order by imported_at, import_id
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        import_id,
        click_id,
        file_name,
        -- uploads carry no currency: amounts are in the workspace currency
        amount as revenue,
        conversion_date,
        imported_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_import' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'import_id'], raw_scope) }}

select * from tracked
