{#- a new row may duplicate a stored row of another key: every row is compared -#}
{{ config(meta={'raw_rows_compared_whole': true}) }}
{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'fx_rates',
    ['rate_date', 'from_currency', 'to_currency']
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('fx_rates', raw_scope) }}
),

checked as (
    select
        *,
        case
            when invalid_value_reason is not null then invalid_value_reason
            {{ dq_required_checks(['rate_date', 'from_currency', 'to_currency', 'rate']) }}
            when rate <= 0 then 'non_positive_rate'
        end as check_reason
    from typed
),

ranked as (
    select
        *,
        row_number() over (
            partition by rate_date, upper(trim(from_currency)), upper(trim(to_currency)), check_reason is null
            order by rate desc
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        rate_date,
        upper(trim(from_currency)) as from_currency,
        upper(trim(to_currency)) as to_currency,
        rate,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_rate' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['rate_date', 'from_currency', 'to_currency'], raw_scope) }}

select * from tracked
