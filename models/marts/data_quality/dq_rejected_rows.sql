{#- docs/contract.md#bad-input: every raw row that cannot be used, with its reason; plus rows that
    are used with one field set to null (disposition 'field_nulled'). -#}
{%- set row_keys = {
    'workspaces': ['workspace_id'],
    'attribution_settings': ['workspace_id', 'effective_from'],
    'contacts': ['workspace_id', 'contact_id'],
    'shop_customers': ['workspace_id', 'shop_customer_id'],
    'identity_links': ['workspace_id', 'contact_id', 'shop_customer_id'],
    'campaigns': ['workspace_id', 'campaign_id'],
    'flows': ['workspace_id', 'flow_id'],
    'flow_runs': ['workspace_id', 'flow_run_id'],
    'popups': ['workspace_id', 'popup_id'],
    'messages': ['workspace_id', 'message_id'],
    'message_events': ['workspace_id', 'event_id'],
    'shop_orders': ['workspace_id', 'order_id'],
    'order_refunds': ['workspace_id', 'refund_id'],
    'coupons': ['workspace_id', 'coupon_code', 'source_type', 'source_id'],
    'agents': ['workspace_id', 'agent_id'],
    'shared_links': ['workspace_id', 'link_id'],
    'link_clicks': ['workspace_id', 'click_event_id'],
    'offers': ['workspace_id', 'offer_id'],
    'creatives': ['workspace_id', 'creative_id'],
    'affiliate_postbacks': ['workspace_id', 'postback_id'],
    'manual_revenue_imports': ['workspace_id', 'import_id'],
    'holdouts': ['workspace_id', 'campaign_id', 'flow_id', 'contact_id'],
    'fx_rates': ['rate_date', 'from_currency', 'to_currency'],
} -%}
{%- set field_issue_tables = ['contacts', 'shop_customers', 'shop_orders'] -%}

with

{% for table_name, key_columns in row_keys.items() %}
{{ table_name }}_rejections as (
    select
        {{ 'workspace_id' if 'workspace_id' in key_columns else 'cast(null as ' ~ dbt.type_string() ~ ')' }},
        '{{ table_name }}' as source_table,
        {{ dq_row_key(key_columns) }} as row_key,
        rejection_reason as reason,
        'rejected' as disposition
    from {{ ref('base_raw__' ~ table_name) }}
    where rejection_reason is not null
    {%- if table_name in field_issue_tables %}
    union all
    select
        workspace_id,
        '{{ table_name }}' as source_table,
        {{ dq_row_key(key_columns) }} as row_key,
        field_issue as reason,
        'field_nulled' as disposition
    from {{ ref('base_raw__' ~ table_name) }}
    where rejection_reason is null and field_issue is not null
    {%- endif %}
),
{% endfor %}

all_rejections as (
    {%- for table_name in row_keys %}
    select * from {{ table_name }}_rejections
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
    union all
    -- docs/attribution.md#affiliate-conversions: staged manual imports that repeat a postback, dropped before
    -- the marts;
    -- staged rows, so not 'rejected' (raw = staged + rejected per table stays exact)
    select
        workspace_id,
        'manual_revenue_imports' as source_table,
        {{ dq_row_key(['workspace_id', 'import_id']) }} as row_key,
        duplicate_reason as reason,
        'dropped_in_attribution' as disposition
    from {{ ref('int_manual_imports_deduplicated') }}
    where duplicate_reason is not null
)

select
    workspace_id,
    source_table,
    row_key,
    reason,
    disposition,
    cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }}) as detected_at
from all_rejections
