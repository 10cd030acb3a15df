{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{%- set raw_scope = incremental_raw_scope(
    'shop_orders',
    ['workspace_id', 'order_id'],
    parents=[
        {'model': 'base_raw__workspaces', 'columns': [('workspace_id', 'workspace_id')]},
        {'model': 'base_raw__shop_customers', 'columns': [('workspace_id', 'workspace_id'), ('shop_customer_id', 'shop_customer_id')]},
        {'model': 'base_raw__fx_rates', 'predicate': 'exists (select 1 from __CHANGED__ as changed_rate where changed_rate.rate_date <= cast(stored.created_at as date) and ((upper(changed_rate.from_currency) = stored.order_currency and upper(changed_rate.to_currency) = stored.workspace_currency) or (upper(changed_rate.to_currency) = stored.order_currency and upper(changed_rate.from_currency) = stored.workspace_currency)))'},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('shop_orders', raw_scope) }}
),

workspaces as (
    select
        workspace_id,
        timezone,
        currency
    from {{ ref('stg_raw__workspaces') }}
),

customers as (
    select
        workspace_id,
        shop_customer_id,
        country_code
    from {{ ref('stg_raw__shop_customers') }}
),

fx_rates as (
    select * from {{ ref('stg_raw__fx_rates') }}
),

with_lookups as (
    select
        typed.*,
        upper(trim(typed.currency)) as order_currency,
        workspaces.workspace_id is not null as is_known_workspace,
        workspaces.timezone,
        workspaces.currency as workspace_currency,
        customers.shop_customer_id is not null as is_known_customer,
        customers.country_code as customer_country_code,
        -- amounts convert at the rate in force on the order's UTC date
        case
            when upper(trim(typed.currency)) = workspaces.currency then 1.0
            else fx_rates.rate
        end as fx_rate
    from typed
    left join workspaces
        on typed.workspace_id = workspaces.workspace_id
    left join customers
        on
            typed.workspace_id = customers.workspace_id
            and typed.shop_customer_id = customers.shop_customer_id
    left join fx_rates
        on
            upper(trim(typed.currency)) = fx_rates.from_currency
            and workspaces.currency = fx_rates.to_currency
            and cast(typed.created_at as date) >= fx_rates.valid_from
            and cast(typed.created_at as date) < fx_rates.valid_to
),

checked as (
    select
        *,
        {{ normalize_email('email') }} as email_normalized,
        -- a guest order has no country: only an international number parses
        {{ normalize_phone('phone', 'customer_country_code') }} as phone_e164,
        case
            when invalid_value_reason is not null then invalid_value_reason
            {{ dq_required_checks(['workspace_id', 'order_id']) }}
            when not is_known_workspace then 'unknown_workspace_id'
            when shop_customer_id is not null and not is_known_customer then 'unknown_shop_customer_id'
            {{ dq_timestamp_checks('created_at') }}
            {{ dq_timestamp_checks('updated_at', required=false) }}
            {{ dq_timestamp_checks('cancelled_at', required=false) }}
            when updated_at < created_at then 'updated_before_created'
            when cancelled_at < created_at then 'cancelled_before_created'
            {{ dq_amount_checks('total_price') }}
            {{ dq_amount_checks('total_discounts', required=false) }}
            when order_currency is null then 'null_currency'
            when fx_rate is null then 'no_fx_rate'
        end as check_reason
    from with_lookups
),

ranked as (
    select
        *,
        -- docs/contract.md#bad-input: an order may arrive more than once; the latest version wins
        row_number() over (
            partition by workspace_id, order_id, check_reason is null
            order by
                coalesce(updated_at, created_at) desc,
                cancelled_at desc nulls last,
                total_price desc,
                discount_codes desc nulls last
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        order_id,
        shop_customer_id,
        email_normalized,
        phone_e164,
        discount_codes,
        shared_link_id,
        order_currency,
        workspace_currency,
        total_price,
        total_discounts,
        fx_rate,
        cast(total_price * fx_rate as decimal(18, 2)) as gross_revenue,
        cast(coalesce(total_discounts, 0) * fx_rate as decimal(18, 2)) as discounts_amount,
        cancelled_at is not null as is_cancelled,
        {{ to_local_date('created_at', 'timezone') }} as order_date,
        created_at,
        updated_at,
        cancelled_at,
        case
            when nullif(trim(phone), '') is not null and phone_e164 is null then 'unparseable_phone'
            when nullif(trim(email), '') is not null and email_normalized is null then 'malformed_email'
        end as field_issue,
        coalesce(
            check_reason,
            case when key_rank > 1 then 'superseded_order_version' end
        ) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'order_id'], raw_scope) }}

select * from tracked
