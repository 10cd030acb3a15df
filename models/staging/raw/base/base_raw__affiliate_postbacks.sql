{#- a new row may duplicate a stored row of another key: every row is compared -#}
{{ config(meta={'raw_rows_compared_whole': true}) }}
{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'affiliate_postbacks',
    ['workspace_id', 'postback_id'],
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
        {'model': 'base_raw__fx_rates', 'predicate': 'exists (select 1 from __CHANGED__ as changed_rate)'},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('affiliate_postbacks', raw_scope) }}
),

workspaces as (
    select
        workspace_id,
        currency
    from {{ ref('stg_raw__workspaces') }}
),

fx_rates as (
    select * from {{ ref('stg_raw__fx_rates') }}
),

with_lookups as (
    select
        typed.*,
        upper(trim(typed.currency)) as payout_currency,
        workspaces.workspace_id is not null as is_known_workspace,
        -- payouts convert at the rate in force on the conversion's UTC date
        case
            when upper(trim(typed.currency)) = workspaces.currency then 1.0
            else fx_rates.rate
        end as fx_rate
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
    left join fx_rates
        on
            upper(trim(typed.currency)) = fx_rates.from_currency
            and workspaces.currency = fx_rates.to_currency
            and cast(typed.converted_at as date) >= fx_rates.valid_from
            and cast(typed.converted_at as date) < fx_rates.valid_to
),

checked as (
    select
        *,
        case
            when invalid_value_reason is not null then invalid_value_reason
            {{ dq_required_checks(['workspace_id', 'postback_id', 'conversion_id']) }}
            when not is_known_workspace then 'unknown_workspace_id'
            {{ dq_enum_check('network', raw_enum('network')) }}
            {{ dq_timestamp_checks('converted_at') }}
            {{ dq_timestamp_checks('received_at') }}
            -- a network reports a conversion after it happens
            when received_at < converted_at then 'received_before_converted'
            {{ dq_amount_checks('payout') }}
            when payout_currency is null then 'null_currency'
            when fx_rate is null then 'no_fx_rate'
        end as check_reason
    from with_lookups
),

ranked as (
    select
        *,
        -- docs/attribution.md#affiliate-conversions: a conversion reported twice keeps its earliest postback
        row_number() over (
            partition by workspace_id, network, conversion_id, check_reason is null
            order by received_at, postback_id
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        postback_id,
        network,
        click_id,
        conversion_id,
        payout_currency,
        payout,
        fx_rate,
        cast(payout * fx_rate as decimal(18, 2)) as revenue,
        cast(converted_at as date) as conversion_date,
        converted_at,
        received_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_conversion' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'postback_id'], raw_scope) }}

select * from tracked
