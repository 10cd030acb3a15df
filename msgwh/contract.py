"""The raw data contract (docs/contract.md#raw-tables), as data.

One place names every raw table, its columns and their types.  The data
generator writes files in this shape, the seed properties and the source
declarations are checked against it by the tests.
"""

from __future__ import annotations

MONEY = "decimal(18,2)"

# table -> ordered list of (column, duckdb type)
RAW_TABLES: dict[str, list[tuple[str, str]]] = {
    "workspaces": [
        ("workspace_id", "varchar"),
        ("name", "varchar"),
        ("timezone", "varchar"),
        ("currency", "varchar"),
        ("created_at", "timestamp"),
    ],
    "attribution_settings": [
        ("workspace_id", "varchar"),
        ("effective_from", "timestamp"),
        ("window_days", "integer"),
        ("coupon_attribution_enabled", "boolean"),
    ],
    "contacts": [
        ("workspace_id", "varchar"),
        ("contact_id", "varchar"),
        ("created_at", "timestamp"),
        ("channel", "varchar"),
        ("phone", "varchar"),
        ("email", "varchar"),
        ("country_code", "varchar"),
        ("signup_source", "varchar"),
        ("region", "varchar"),
    ],
    "shop_customers": [
        ("workspace_id", "varchar"),
        ("shop_customer_id", "varchar"),
        ("created_at", "timestamp"),
        ("email", "varchar"),
        ("phone", "varchar"),
        ("country_code", "varchar"),
    ],
    "identity_links": [
        ("workspace_id", "varchar"),
        ("contact_id", "varchar"),
        ("shop_customer_id", "varchar"),
        ("linked_at", "timestamp"),
        ("method", "varchar"),
    ],
    "campaigns": [
        ("workspace_id", "varchar"),
        ("campaign_id", "varchar"),
        ("name", "varchar"),
        ("channel", "varchar"),
        ("published_at", "timestamp"),
        ("status", "varchar"),
        ("creative_id", "varchar"),
        ("offer_id", "varchar"),
        ("sending_list", "varchar"),
    ],
    "flows": [
        ("workspace_id", "varchar"),
        ("flow_id", "varchar"),
        ("name", "varchar"),
        ("flow_type", "varchar"),
        ("channel", "varchar"),
        ("created_at", "timestamp"),
        ("status", "varchar"),
    ],
    "flow_runs": [
        ("workspace_id", "varchar"),
        ("flow_run_id", "varchar"),
        ("flow_id", "varchar"),
        ("contact_id", "varchar"),
        ("started_at", "timestamp"),
        ("completed_at", "timestamp"),
        ("exit_reason", "varchar"),
    ],
    "popups": [
        ("workspace_id", "varchar"),
        ("popup_id", "varchar"),
        ("name", "varchar"),
        ("created_at", "timestamp"),
    ],
    "messages": [
        ("workspace_id", "varchar"),
        ("message_id", "varchar"),
        ("contact_id", "varchar"),
        ("source_type", "varchar"),
        ("campaign_id", "varchar"),
        ("flow_id", "varchar"),
        ("flow_run_id", "varchar"),
        ("agent_id", "varchar"),
        ("channel", "varchar"),
        ("creative_id", "varchar"),
        ("offer_id", "varchar"),
        ("conversation_id", "varchar"),
        ("conversation_category", "varchar"),
        ("sent_at", "timestamp"),
        ("cost", MONEY),
        ("segments", "integer"),
    ],
    "message_events": [
        ("workspace_id", "varchar"),
        ("event_id", "varchar"),
        ("message_id", "varchar"),
        ("event_type", "varchar"),
        ("occurred_at", "timestamp"),
        ("click_id", "varchar"),
        ("url", "varchar"),
    ],
    "shop_orders": [
        ("workspace_id", "varchar"),
        ("order_id", "varchar"),
        ("shop_customer_id", "varchar"),
        ("email", "varchar"),
        ("phone", "varchar"),
        ("created_at", "timestamp"),
        ("updated_at", "timestamp"),
        ("currency", "varchar"),
        ("total_price", MONEY),
        ("total_discounts", MONEY),
        ("discount_codes", "varchar"),
        ("shared_link_id", "varchar"),
        ("cancelled_at", "timestamp"),
    ],
    "order_refunds": [
        ("workspace_id", "varchar"),
        ("refund_id", "varchar"),
        ("order_id", "varchar"),
        ("refunded_at", "timestamp"),
        ("amount", MONEY),
    ],
    "coupons": [
        ("workspace_id", "varchar"),
        ("code", "varchar"),
        ("source_type", "varchar"),
        ("source_id", "varchar"),
        ("generated_by_platform", "boolean"),
        ("contact_id", "varchar"),
        ("distributed_at", "timestamp"),
    ],
    "agents": [
        ("workspace_id", "varchar"),
        ("agent_id", "varchar"),
        ("name", "varchar"),
        ("team", "varchar"),
    ],
    "shared_links": [
        ("workspace_id", "varchar"),
        ("link_id", "varchar"),
        ("agent_id", "varchar"),
        ("contact_id", "varchar"),
        ("conversation_id", "varchar"),
        ("link_type", "varchar"),
        ("channel", "varchar"),
        ("shared_at", "timestamp"),
    ],
    "link_clicks": [
        ("workspace_id", "varchar"),
        ("click_event_id", "varchar"),
        ("link_id", "varchar"),
        ("clicked_at", "timestamp"),
    ],
    "offers": [
        ("workspace_id", "varchar"),
        ("offer_id", "varchar"),
        ("name", "varchar"),
        ("network", "varchar"),
        ("attribution_window_hours", "integer"),
    ],
    "creatives": [
        ("workspace_id", "varchar"),
        ("creative_id", "varchar"),
        ("name", "varchar"),
        ("offer_id", "varchar"),
    ],
    "affiliate_postbacks": [
        ("workspace_id", "varchar"),
        ("postback_id", "varchar"),
        ("network", "varchar"),
        ("click_id", "varchar"),
        ("conversion_id", "varchar"),
        ("payout", MONEY),
        ("currency", "varchar"),
        ("converted_at", "timestamp"),
        ("received_at", "timestamp"),
    ],
    "manual_revenue_imports": [
        ("workspace_id", "varchar"),
        ("import_id", "varchar"),
        ("click_id", "varchar"),
        ("amount", MONEY),
        ("conversion_date", "date"),
        ("imported_at", "timestamp"),
        ("file_name", "varchar"),
    ],
    "holdouts": [
        ("workspace_id", "varchar"),
        ("campaign_id", "varchar"),
        ("flow_id", "varchar"),
        ("contact_id", "varchar"),
        ("holdout_group", "varchar"),
        ("assigned_at", "timestamp"),
    ],
    "fx_rates": [
        ("rate_date", "date"),
        ("from_currency", "varchar"),
        ("to_currency", "varchar"),
        ("rate", "double"),
    ],
}

# Enumerations the contract names.
CHANNELS = ("whatsapp", "sms", "email", "instagram", "web_chat")
CAMPAIGN_STATUSES = ("draft", "scheduled", "sent", "cancelled")
FLOW_TYPES = (
    "welcome",
    "cart_abandonment",
    "browse_abandonment",
    "post_purchase",
    "winback",
    "other",
)
MESSAGE_SOURCE_TYPES = ("campaign", "flow", "helpdesk")
CONVERSATION_CATEGORIES = ("marketing", "utility", "service", "authentication")
EVENT_TYPES = ("delivered", "read", "clicked", "quick_reply", "cta_click", "failed")
COUPON_SOURCE_TYPES = ("campaign", "flow", "popup")
LINK_TYPES = ("product", "checkout")
NETWORKS = ("tune", "everflow", "impact", "other")
HOLDOUT_GROUPS = ("treatment", "control")


# When a row of each raw table arrives, as far as its own columns tell: the column
# that splits a data set into load batches by time (tests/python/test_incremental.py,
# scripts/benchmark.py). Settings-like tables have none and load whole: a change to
# one of them recomputes its whole workspace.
ARRIVAL_COLUMN: dict[str, str | None] = {
    "workspaces": None,
    "attribution_settings": None,
    "contacts": "created_at",
    "shop_customers": "created_at",
    "identity_links": "linked_at",
    "campaigns": None,
    "flows": None,
    "flow_runs": "started_at",
    "popups": None,
    "messages": "sent_at",
    "message_events": "occurred_at",
    "shop_orders": "updated_at",
    "order_refunds": "refunded_at",
    "coupons": "distributed_at",
    "agents": None,
    "shared_links": "shared_at",
    "link_clicks": "clicked_at",
    "offers": None,
    "creatives": None,
    "affiliate_postbacks": "received_at",
    "manual_revenue_imports": "imported_at",
    "holdouts": "assigned_at",
    "fx_rates": "rate_date",
}


def columns(table: str) -> list[str]:
    """The ordered column names of a raw table."""
    return [name for name, _ in RAW_TABLES[table]]
