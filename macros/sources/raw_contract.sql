{#- Rendered by scripts/render_contract.py from msgwh/contract.py; do not edit by hand.
    The raw contract (docs/contract.md#raw-tables): table -> [(column, type)], in contract order. -#}
{% macro raw_contract() -%}
    {{ return({
        'workspaces': [('workspace_id', 'varchar'), ('name', 'varchar'), ('timezone', 'varchar'), ('currency', 'varchar'), ('created_at', 'timestamp')],
        'attribution_settings': [('workspace_id', 'varchar'), ('effective_from', 'timestamp'), ('window_days', 'integer'), ('coupon_attribution_enabled', 'boolean')],
        'contacts': [('workspace_id', 'varchar'), ('contact_id', 'varchar'), ('created_at', 'timestamp'), ('channel', 'varchar'), ('phone', 'varchar'), ('email', 'varchar'), ('country_code', 'varchar'), ('signup_source', 'varchar'), ('region', 'varchar')],
        'shop_customers': [('workspace_id', 'varchar'), ('shop_customer_id', 'varchar'), ('created_at', 'timestamp'), ('email', 'varchar'), ('phone', 'varchar'), ('country_code', 'varchar')],
        'identity_links': [('workspace_id', 'varchar'), ('contact_id', 'varchar'), ('shop_customer_id', 'varchar'), ('linked_at', 'timestamp'), ('method', 'varchar')],
        'campaigns': [('workspace_id', 'varchar'), ('campaign_id', 'varchar'), ('name', 'varchar'), ('channel', 'varchar'), ('published_at', 'timestamp'), ('status', 'varchar'), ('creative_id', 'varchar'), ('offer_id', 'varchar'), ('sending_list', 'varchar')],
        'flows': [('workspace_id', 'varchar'), ('flow_id', 'varchar'), ('name', 'varchar'), ('flow_type', 'varchar'), ('channel', 'varchar'), ('created_at', 'timestamp'), ('status', 'varchar')],
        'flow_runs': [('workspace_id', 'varchar'), ('flow_run_id', 'varchar'), ('flow_id', 'varchar'), ('contact_id', 'varchar'), ('started_at', 'timestamp'), ('completed_at', 'timestamp'), ('exit_reason', 'varchar')],
        'popups': [('workspace_id', 'varchar'), ('popup_id', 'varchar'), ('name', 'varchar'), ('created_at', 'timestamp')],
        'messages': [('workspace_id', 'varchar'), ('message_id', 'varchar'), ('contact_id', 'varchar'), ('source_type', 'varchar'), ('campaign_id', 'varchar'), ('flow_id', 'varchar'), ('flow_run_id', 'varchar'), ('agent_id', 'varchar'), ('channel', 'varchar'), ('creative_id', 'varchar'), ('offer_id', 'varchar'), ('conversation_id', 'varchar'), ('conversation_category', 'varchar'), ('sent_at', 'timestamp'), ('cost', 'decimal(18,2)'), ('segments', 'integer')],
        'message_events': [('workspace_id', 'varchar'), ('event_id', 'varchar'), ('message_id', 'varchar'), ('event_type', 'varchar'), ('occurred_at', 'timestamp'), ('click_id', 'varchar'), ('url', 'varchar')],
        'shop_orders': [('workspace_id', 'varchar'), ('order_id', 'varchar'), ('shop_customer_id', 'varchar'), ('email', 'varchar'), ('phone', 'varchar'), ('created_at', 'timestamp'), ('updated_at', 'timestamp'), ('currency', 'varchar'), ('total_price', 'decimal(18,2)'), ('total_discounts', 'decimal(18,2)'), ('discount_codes', 'varchar'), ('shared_link_id', 'varchar'), ('cancelled_at', 'timestamp')],
        'order_refunds': [('workspace_id', 'varchar'), ('refund_id', 'varchar'), ('order_id', 'varchar'), ('refunded_at', 'timestamp'), ('amount', 'decimal(18,2)')],
        'coupons': [('workspace_id', 'varchar'), ('code', 'varchar'), ('source_type', 'varchar'), ('source_id', 'varchar'), ('generated_by_platform', 'boolean'), ('contact_id', 'varchar'), ('distributed_at', 'timestamp')],
        'agents': [('workspace_id', 'varchar'), ('agent_id', 'varchar'), ('name', 'varchar'), ('team', 'varchar')],
        'shared_links': [('workspace_id', 'varchar'), ('link_id', 'varchar'), ('agent_id', 'varchar'), ('contact_id', 'varchar'), ('conversation_id', 'varchar'), ('link_type', 'varchar'), ('channel', 'varchar'), ('shared_at', 'timestamp')],
        'link_clicks': [('workspace_id', 'varchar'), ('click_event_id', 'varchar'), ('link_id', 'varchar'), ('clicked_at', 'timestamp')],
        'offers': [('workspace_id', 'varchar'), ('offer_id', 'varchar'), ('name', 'varchar'), ('network', 'varchar'), ('attribution_window_hours', 'integer')],
        'creatives': [('workspace_id', 'varchar'), ('creative_id', 'varchar'), ('name', 'varchar'), ('offer_id', 'varchar')],
        'affiliate_postbacks': [('workspace_id', 'varchar'), ('postback_id', 'varchar'), ('network', 'varchar'), ('click_id', 'varchar'), ('conversion_id', 'varchar'), ('payout', 'decimal(18,2)'), ('currency', 'varchar'), ('converted_at', 'timestamp'), ('received_at', 'timestamp')],
        'manual_revenue_imports': [('workspace_id', 'varchar'), ('import_id', 'varchar'), ('click_id', 'varchar'), ('amount', 'decimal(18,2)'), ('conversion_date', 'date'), ('imported_at', 'timestamp'), ('file_name', 'varchar')],
        'holdouts': [('workspace_id', 'varchar'), ('campaign_id', 'varchar'), ('flow_id', 'varchar'), ('contact_id', 'varchar'), ('holdout_group', 'varchar'), ('assigned_at', 'timestamp')],
        'fx_rates': [('rate_date', 'date'), ('from_currency', 'varchar'), ('to_currency', 'varchar'), ('rate', 'double')],
    }) }}
{%- endmacro %}


{#- The enumerations of the contract: name -> allowed values. -#}
{% macro raw_enum(name) -%}
    {{ return({
        'channel': ['whatsapp', 'sms', 'email', 'instagram', 'web_chat'],
        'campaign_status': ['draft', 'scheduled', 'sent', 'cancelled'],
        'flow_type': ['welcome', 'cart_abandonment', 'browse_abandonment', 'post_purchase', 'winback', 'other'],
        'message_source_type': ['campaign', 'flow', 'helpdesk'],
        'conversation_category': ['marketing', 'utility', 'service', 'authentication'],
        'event_type': ['delivered', 'read', 'clicked', 'quick_reply', 'cta_click', 'failed'],
        'coupon_source_type': ['campaign', 'flow', 'popup'],
        'link_type': ['product', 'checkout'],
        'network': ['tune', 'everflow', 'impact', 'other'],
        'holdout_group': ['treatment', 'control'],
    }[name]) }}
{%- endmacro %}
