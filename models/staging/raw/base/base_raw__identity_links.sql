{#- what this run reads: every raw row, or only what new files and changed parents reach -#}
{#- stored_versions: every raw column is stored as typed, so older versions come from
    the stored rows (macros/incremental/incremental_raw_scope.sql) -#}
{%- set raw_scope = incremental_raw_scope(
    'identity_links',
    ['workspace_id', 'contact_id', 'shop_customer_id'],
    stored_versions=true,
    parents=[
        {'model': 'base_raw__contacts', 'columns': [('workspace_id', 'workspace_id'), ('contact_id', 'contact_id')]},
        {'model': 'base_raw__shop_customers', 'columns': [('workspace_id', 'workspace_id'), ('shop_customer_id', 'shop_customer_id')]},
    ]
) -%}

with

{{ raw_scope.ctes }}typed as (
    {{ typed_raw_rows('identity_links', raw_scope) }}
),

contacts as (
    select
        workspace_id,
        contact_id
    from {{ ref('stg_raw__contacts') }}
),

customers as (
    select
        workspace_id,
        shop_customer_id
    from {{ ref('stg_raw__shop_customers') }}
),

checked as (
    select
        typed.*,
        case
            when typed.invalid_value_reason is not null then typed.invalid_value_reason
            {{ dq_required_checks(['typed.workspace_id', 'typed.contact_id', 'typed.shop_customer_id']) }}
            when contacts.contact_id is null then 'unknown_contact_id'
            when customers.shop_customer_id is null then 'unknown_shop_customer_id'
            {{ dq_timestamp_checks('typed.linked_at', required=false) }}
        end as check_reason
    from typed
    left join contacts
        on
            typed.workspace_id = contacts.workspace_id
            and typed.contact_id = contacts.contact_id
    left join customers
        on
            typed.workspace_id = customers.workspace_id
            and typed.shop_customer_id = customers.shop_customer_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by workspace_id, contact_id, shop_customer_id, check_reason is null
            order by linked_at, method
        ) as key_rank
    from checked
),

final as (
    select
        _raw_file_hash,
        workspace_id,
        contact_id,
        shop_customer_id,
        method,
        linked_at,
        coalesce(check_reason, case when key_rank > 1 then 'duplicate_identity_link' end) as rejection_reason
    from ranked
),

{{ track_row_changes('final', ['workspace_id', 'contact_id', 'shop_customer_id'], raw_scope) }}

select * from tracked
