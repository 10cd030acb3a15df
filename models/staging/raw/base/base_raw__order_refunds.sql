{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{#- stored_versions: every raw column is stored as typed, so older versions come from
    the stored rows (macros/incremental/incremental_raw_scope.sql) -#}
{%- set raw_scope = incremental_raw_scope(
    'order_refunds',
    ['workspace_id', 'refund_id'],
    stored_versions=true,
    parents=[
        {'model': 'base_raw__shop_orders', 'columns': [('workspace_id', 'workspace_id'), ('order_id', 'order_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('order_refunds', raw_scope) }}
),

orders as (
    select
        workspace_id,
        order_id,
        total_price,
        fx_rate,
        created_at
    from {{ ref('stg_raw__shop_orders') }}
),

checked as (
    select
        typed.*,
        orders.fx_rate,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.refund_id', 'typed.order_id']) }}
            when orders.order_id is null then 'unknown_order_id'
            {{ dq_timestamp_checks('typed.refunded_at') }}
            {{ dq_amount_checks('typed.amount') }}
            -- a refund follows its order and returns at most what was paid
            when typed.amount > orders.total_price then 'refund_exceeds_order'
            when typed.refunded_at < orders.created_at then 'refunded_before_order_created'
        end as check_reason
    from typed
    left join orders
        on
            typed.workspace_id = orders.workspace_id
            and typed.order_id = orders.order_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, refund_id, check_reason is null
            order by refunded_at asc, amount desc
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        refund_id,
        order_id,
        amount,
        -- a refund converts at its order's rate, so net revenue never moves with fx
        cast(amount * fx_rate as decimal(18, 2)) as refund_amount,
        refunded_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_refund_id' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'refund_id'], raw_scope) }}

select * from tracked
