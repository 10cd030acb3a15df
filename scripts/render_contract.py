#!/usr/bin/env python
"""Render the raw data contract (msgwh/contract.py) into the dbt files that restate it.

Writes:
  macros/sources/raw_contract.sql       the columns and types, for staging casts
  models/staging/raw/_raw__sources.yml  the `raw` source with every column described
  seeds/_raw__seeds.yml                 column types for the demo seeds
  docs/contract.md                      the contract for users: raw tables, enumerations,
                                        marts, bad input and value rules

`--check` exits 1 when a rendered file differs from what is committed, so the
contract cannot drift (tests/python/test_contract.py runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from msgwh import contract  # noqa: E402
from msgwh.contract import RAW_TABLES  # noqa: E402

ENUMS = {
    "channel": contract.CHANNELS,
    "campaign_status": contract.CAMPAIGN_STATUSES,
    "flow_type": contract.FLOW_TYPES,
    "message_source_type": contract.MESSAGE_SOURCE_TYPES,
    "conversation_category": contract.CONVERSATION_CATEGORIES,
    "event_type": contract.EVENT_TYPES,
    "coupon_source_type": contract.COUPON_SOURCE_TYPES,
    "link_type": contract.LINK_TYPES,
    "network": contract.NETWORKS,
    "holdout_group": contract.HOLDOUT_GROUPS,
}

TABLE_DOCS = {
    "workspaces": "One shop or affiliate publisher: the tenant every other row belongs to.",
    "attribution_settings": "History of a workspace's attribution settings; a row applies to orders created from effective_from on.",
    "contacts": "Messaging subscribers of a workspace, one per channel subscription.",
    "shop_customers": "Customers of the workspace's online shop.",
    "identity_links": "Explicit contact <-> shop customer stitches the platform recorded.",
    "campaigns": "One-time bulk sends.",
    "flows": "Automations (journeys) such as welcome or cart abandonment series.",
    "flow_runs": "One contact's pass through a flow.",
    "popups": "Sign-up popups that hand out discount codes.",
    "messages": "One outbound message to one contact.",
    "message_events": "Status webhooks of messages (delivered, read, clicked...); may repeat.",
    "shop_orders": "Shop orders; an order may arrive more than once (updates).",
    "order_refunds": "Refunds of shop orders.",
    "coupons": "Discount codes the platform distributed.",
    "agents": "Helpdesk agents.",
    "shared_links": "Product and checkout links agents shared in conversations.",
    "link_clicks": "Clicks on links agents shared (intent to purchase).",
    "offers": "Affiliate offers.",
    "creatives": "Message creatives, optionally tied to an affiliate offer.",
    "affiliate_postbacks": "Conversions reported by affiliate networks; may fire more than once.",
    "manual_revenue_imports": "Revenue rows uploaded as CSV for networks with no integration.",
    "holdouts": "Random assignment of a campaign's or flow's audience to treatment or control; the control group is not messaged.",
    "fx_rates": "Daily exchange rates used to convert amounts into the workspace currency.",
}

COLUMN_DOCS = {
    "workspace_id": "The workspace (tenant); ids of other entities are unique only within it.",
    "name": "Display name.",
    "timezone": "IANA time zone of the workspace, used for local dates.",
    "currency": "ISO 4217 currency code.",
    "created_at": "When the row's entity was created (UTC).",
    "effective_from": "First order creation time (UTC) the settings apply to.",
    "window_days": "Last-touch attribution window in days.",
    "coupon_attribution_enabled": "Whether coupon codes may attribute orders.",
    "contact_id": "Messaging contact id.",
    "channel": "Messaging channel: whatsapp, sms, email, instagram or web_chat.",
    "phone": "Phone number in any format (PII).",
    "email": "E-mail address as entered (PII).",
    "country_code": "ISO 3166-1 alpha-2 country, the default region for phone parsing.",
    "signup_source": "Where the contact signed up.",
    "region": "Free-text region of the contact.",
    "shop_customer_id": "Shop customer id (null on a guest order).",
    "linked_at": "When the stitch was recorded (UTC).",
    "method": "How the platform linked the two identities.",
    "campaign_id": "Campaign id.",
    "published_at": "When the campaign was published (UTC).",
    "status": "Lifecycle status.",
    "creative_id": "Creative id, if any.",
    "offer_id": "Affiliate offer id, if any.",
    "sending_list": "Name of the list the campaign was sent to.",
    "flow_id": "Flow id.",
    "flow_type": "welcome, cart_abandonment, browse_abandonment, post_purchase, winback or other.",
    "flow_run_id": "Flow run id.",
    "started_at": "When the run started (UTC).",
    "completed_at": "When the run completed (UTC); null while running or when it exited.",
    "exit_reason": "Why the run ended early, if it did.",
    "popup_id": "Popup id.",
    "message_id": "Message id.",
    "source_type": "What produced the row: campaign, flow, helpdesk (messages) or campaign, flow, popup (coupons).",
    "agent_id": "Helpdesk agent id.",
    "conversation_id": "Conversation the message or link belongs to.",
    "conversation_category": "marketing, utility, service or authentication (WhatsApp pricing categories).",
    "sent_at": "When the message was sent (UTC).",
    "cost": "What sending the message cost, in the workspace currency.",
    "segments": "Number of SMS segments billed.",
    "event_id": "Event id; a webhook retry repeats it.",
    "event_type": "delivered, read, clicked, quick_reply, cta_click or failed.",
    "occurred_at": "When the event happened (UTC).",
    "click_id": "Click id set on clicked events and echoed by affiliate networks.",
    "url": "The clicked URL.",
    "order_id": "Shop order id.",
    "updated_at": "When this version of the order was written (UTC).",
    "total_price": "What the customer paid at creation, after discounts, in the order currency.",
    "total_discounts": "Discounts applied, in the order currency.",
    "discount_codes": "Comma-separated discount codes used on the order.",
    "shared_link_id": "The helpdesk link the order came through, if any.",
    "cancelled_at": "When the order was cancelled (UTC), if it was.",
    "refund_id": "Refund id.",
    "refunded_at": "When the refund happened (UTC).",
    "amount": "Money amount.",
    "code": "Discount code as distributed.",
    "source_id": "Id of the campaign, flow or popup that distributed the code.",
    "generated_by_platform": "True for codes the platform generated (unique codes), false for fixed codes.",
    "distributed_at": "When the code was handed out (UTC).",
    "team": "Helpdesk team of the agent.",
    "link_id": "Shared link id.",
    "link_type": "product or checkout.",
    "shared_at": "When the agent shared the link (UTC).",
    "click_event_id": "Link click id.",
    "clicked_at": "When the link was clicked (UTC).",
    "network": "Affiliate network: tune, everflow, impact or other.",
    "attribution_window_hours": "Offer attribution window in hours; null means 168.",
    "postback_id": "Postback id.",
    "conversion_id": "The network's conversion id.",
    "payout": "Payout reported by the network, in `currency`.",
    "converted_at": "When the conversion happened (UTC).",
    "received_at": "When the postback was received (UTC).",
    "import_id": "Import row id.",
    "conversion_date": "Conversion date (UTC) as given in the upload.",
    "imported_at": "When the file was imported (UTC).",
    "file_name": "Name of the uploaded file.",
    "holdout_group": "treatment (messaged) or control (held out, not messaged).",
    "assigned_at": "When the contact was assigned to its group (UTC).",
    "rate_date": "Date the rate applies from.",
    "from_currency": "Currency converted from.",
    "to_currency": "Currency converted to.",
    "rate": "Units of to_currency per unit of from_currency.",
}

LOADED_AT = {
    "message_events": "occurred_at",
    "messages": "sent_at",
    "shop_orders": "updated_at",
    "affiliate_postbacks": "received_at",
    "manual_revenue_imports": "imported_at",
}
# (warn after, error after) as dbt spells them; default a day and three days. Manual imports
# come whenever a network without an integration pays out: a month without one is stale.
FRESHNESS = {"manual_revenue_imports": ("{count: 7, period: day}", "{count: 35, period: day}")}
DEFAULT_FRESHNESS = ("{count: 24, period: hour}", "{count: 72, period: hour}")


def _spelled(rule: str) -> str:
    """dbt's `{count: 7, period: day}` as words: `7 days`."""
    count, period = (part.split(":")[1].strip() for part in rule.strip("{}").split(","))
    return f"{count} {period}s"

# The public marts (schema `marts`): name -> (grain, what it answers, where its rules are told).
MARTS = {
    "fct_order_attribution": (
        "one row per usable shop order",
        "Which source (helpdesk link, campaign or flow touch, coupon) earned each order, or why none did; gross and net revenue.",
        "attribution.md#order-attribution-rules",
    ),
    "fct_order_touch_credits": (
        "usable order × touch on its path × credit model",
        "How five models (last touch, first touch, linear, position based, time decay) share each order among the campaign and flow touches before it.",
        "attribution.md#multi-touch-credit",
    ),
    "attribution_model_comparison": (
        "workspace × campaign or flow × credit model",
        "The orders and revenue each model credits to a source, the difference to last touch, and what the order attribution credits it.",
        "attribution.md#multi-touch-credit",
    ),
    "campaign_lift": (
        "workspace × campaign or flow whose audience was split in `holdouts`",
        "What a send caused: treatment against control conversion and revenue, absolute and relative lift with a 95% interval, p-value, incremental conversions and revenue, significance and a small-sample warning.",
        "attribution.md#holdout-lift",
    ),
    "fct_affiliate_conversions": (
        "one row per affiliate conversion (postback or manual import)",
        "Which message, campaign or flow, creative and offer earned each conversion reported by a network, or why none did.",
        "attribution.md#affiliate-conversions",
    ),
    "fct_attributed_revenue": (
        "one row per shop order or affiliate conversion",
        "Both revenue streams in one table, with a local revenue date, the credited source and channel, gross and net revenue.",
        "attribution.md#combined-revenue",
    ),
    "fct_message_funnel": (
        "one row per staged message",
        "Whether each message was delivered, viewed, clicked and reached its goal, and when; its last-touch revenue.",
        "attribution.md#message-funnel",
    ),
    "dim_contacts": (
        "one row per contact",
        "Who the contact is (phone masked, e-mail hashed), its signup cohort, whether it is stitched, its sends, clicks and credited revenue.",
        "attribution.md#contacts-and-pii",
    ),
    "dim_workspaces": (
        "one row per usable workspace",
        "Each workspace's name, and the time zone and currency every local date and amount of the marts is in.",
        "attribution.md#workspaces",
    ),
    "campaign_performance": (
        "one row per campaign",
        "Sends, deliveries, read and click rates, attributed orders and revenue, revenue per send, EPC, cost, ROAS, ROI and goal conversions.",
        "attribution.md#campaign-and-flow-performance",
    ),
    "flow_performance": (
        "one row per flow",
        "Runs started and completed, contacts who bought, revenue and sends of each automation.",
        "attribution.md#campaign-and-flow-performance",
    ),
    "audience_performance": (
        "workspace × audience dimension (sending list, signup source, region, country, channel) × value",
        "Which audience earns the most per send: sends, clicks, attributed orders and affiliate conversions, revenue, cost, revenue per send, EPC, conversion rate and ROAS.",
        "attribution.md#audience-performance",
    ),
    "agent_performance": (
        "one row per helpdesk agent",
        "Revenue from the links an agent shared, customers reached, who clicked and who bought, conversion and share of helpdesk revenue.",
        "attribution.md#agent-performance",
    ),
    "offer_performance": (
        "one row per affiliate offer",
        "Clicks, conversions, revenue, EPC, conversion rate and revenue per send of each offer.",
        "attribution.md#offer-and-creative-performance",
    ),
    "creative_performance": (
        "one row per creative",
        "The same measures as offer_performance, per message creative.",
        "attribution.md#offer-and-creative-performance",
    ),
    "revenue_daily": (
        "workspace × local date × source type × channel",
        "Gross and net revenue, orders and share of the day's revenue; marketing and utility conversations and revenue per conversation.",
        "attribution.md#revenue-rollups",
    ),
    "revenue_weekly": (
        "workspace × local week (from Monday) × source type × channel",
        "Gross and net revenue, orders and share of the week's revenue.",
        "attribution.md#revenue-rollups",
    ),
    "revenue_monthly": (
        "workspace × local month × source type × channel",
        "Gross and net revenue, orders and share of the month's revenue.",
        "attribution.md#revenue-rollups",
    ),
    "revenue_rolling": (
        "workspace × local date × source type",
        "The dashboard cards: last 30 days, the 30 days before, the change, and lifetime revenue.",
        "attribution.md#rolling-dashboard-cards",
    ),
    "ltv_cohorts": (
        "workspace × signup month × months since signup",
        "Cohort size, revenue, cumulative revenue and revenue per contact as a cohort ages.",
        "attribution.md#ltv-cohorts",
    ),
    "ltv_cohort_summary": (
        "workspace × signup month",
        "Revenue of each cohort within 7, 30 and 90 days of its contacts' signup, once the cohort is old enough.",
        "attribution.md#ltv-cohorts",
    ),
    "campaign_daily_stats": (
        "campaign × local date",
        "Messages sent, viewed, clicked and reaching their goal, per day.",
        "attribution.md#campaign-daily-stats",
    ),
    "campaign_recipients": (
        "campaign × contact",
        "What each recipient of a campaign received, viewed, clicked and when they reached the goal.",
        "attribution.md#campaign-daily-stats",
    ),
    "campaign_orders": (
        "one row per order credited to a campaign",
        "The revenue export: masked customer number, hashed e-mail, order date and value.",
        "attribution.md#campaign-and-flow-performance",
    ),
    "stitching_summary": (
        "one row per workspace",
        "How many contacts, customers and orders are stitched, and the stitch rates.",
        "attribution.md#identity-stitching",
    ),
    "dq_rejected_rows": (
        "one row per raw row not used as it arrived",
        "Which raw rows were rejected, had a field set aside or were dropped, and why.",
        "contract.md#bad-input",
    ),
    "raw_table_freshness": (
        "workspace × raw table with a load time",
        "How old each workspace's newest row of each raw table is, judged as `dbt source freshness` judges the table: pass, warn, error, or no_rows.",
        "attribution.md#raw-table-freshness",
    ),
}


# Value rules: what each raw column must hold for its row to be staged, and the reason a
# row that breaks the rule gets in dq_rejected_rows. Built with helpers named for the
# checks of macros/sources/dq_checks.sql; a rule of one column is one ValueRule.
# To add a rule, add an entry to the table's list (and the check to its base model).
class ValueRule(NamedTuple):
    column: str
    rule: str
    reason: str
    disposition: str = "rejected"


def _required(*columns: str) -> list[ValueRule]:
    return [ValueRule(column, "required", f"null_{column}") for column in columns]


def _known(column: str, parent: str, optional: bool = False) -> list[ValueRule]:
    when = "when set, names" if optional else "names"
    return [ValueRule(column, f"{when} a staged {parent} of the workspace", f"unknown_{column}")]


def _enum(column: str, enum: str, required: bool = True) -> list[ValueRule]:
    rules = _required(column) if required else []
    return rules + [ValueRule(column, f"one of the `{enum}` values", f"unknown_{column}_value")]


def _timestamp(column: str, required: bool = True) -> list[ValueRule]:
    rules = _required(column) if required else []
    return rules + [
        ValueRule(column, "not later than the build time plus `dq_future_tolerance_hours` (24)", f"future_{column}"),
        ValueRule(column, "not before `dq_min_timestamp` (2000-01-01)", f"{column}_too_old"),
    ]


def _amount(column: str, required: bool = True) -> list[ValueRule]:
    rules = _required(column) if required else []
    return rules + [
        ValueRule(column, "not negative", f"negative_{column}"),
        ValueRule(column, "at most `dq_max_amount` (1,000,000)", f"{column}_out_of_range"),
    ]


def _contact_fields() -> list[ValueRule]:
    return [
        ValueRule("phone", "blank, or parses to a valid number (E.164)", "unparseable_phone", "field_nulled"),
        ValueRule("email", "blank, or a well-formed address", "malformed_email", "field_nulled"),
    ]


VALUE_RULES: dict[str, list[ValueRule]] = {
    "workspaces": [
        *_required("workspace_id", "timezone", "currency"),
        ValueRule("timezone", "a known IANA time zone", "unknown_timezone"),
        *_timestamp("created_at", required=False),
    ],
    "attribution_settings": [
        *_required("workspace_id", "effective_from", "window_days"),
        *_known("workspace_id", "workspace"),
        ValueRule("window_days", "between 1 and 365", "window_days_out_of_range"),
        *_timestamp("effective_from", required=False),
    ],
    "contacts": [
        *_required("workspace_id", "contact_id"),
        *_known("workspace_id", "workspace"),
        *_enum("channel", "channel"),
        *_timestamp("created_at"),
        *_contact_fields(),
    ],
    "shop_customers": [
        *_required("workspace_id", "shop_customer_id"),
        *_known("workspace_id", "workspace"),
        *_timestamp("created_at", required=False),
        *_contact_fields(),
    ],
    "identity_links": [
        *_required("workspace_id", "contact_id", "shop_customer_id"),
        *_known("contact_id", "contact"),
        *_known("shop_customer_id", "shop customer"),
        *_timestamp("linked_at", required=False),
    ],
    "campaigns": [
        *_required("workspace_id", "campaign_id"),
        *_known("workspace_id", "workspace"),
        *_enum("status", "campaign_status"),
        *_enum("channel", "channel"),
        *_timestamp("published_at", required=False),
    ],
    "flows": [
        *_required("workspace_id", "flow_id"),
        *_known("workspace_id", "workspace"),
        *_enum("flow_type", "flow_type"),
        *_enum("channel", "channel"),
        *_timestamp("created_at", required=False),
    ],
    "flow_runs": [
        *_required("workspace_id", "flow_run_id", "flow_id", "contact_id"),
        *_known("flow_id", "flow"),
        *_known("contact_id", "contact"),
        *_timestamp("started_at"),
        *_timestamp("completed_at", required=False),
        ValueRule("completed_at", "not before started_at", "completed_before_started"),
    ],
    "popups": [
        *_required("workspace_id", "popup_id"),
        *_known("workspace_id", "workspace"),
        *_timestamp("created_at", required=False),
    ],
    "messages": [
        *_required("workspace_id", "message_id", "contact_id"),
        *_known("workspace_id", "workspace"),
        *_known("contact_id", "contact"),
        *_enum("source_type", "message_source_type"),
        *_enum("channel", "channel"),
        *_enum("conversation_category", "conversation_category", required=False),
        ValueRule("campaign_id", "names a staged campaign when source_type is campaign", "unknown_campaign_id"),
        ValueRule("flow_id", "names a staged flow when source_type is flow", "unknown_flow_id"),
        ValueRule("agent_id", "names a staged agent when source_type is helpdesk", "unknown_agent_id"),
        *_timestamp("sent_at"),
        *_amount("cost", required=False),
        ValueRule("segments", "at least 1", "non_positive_segments"),
    ],
    "message_events": [
        *_required("workspace_id", "event_id", "message_id"),
        *_known("message_id", "message"),
        *_enum("event_type", "event_type"),
        *_timestamp("occurred_at"),
    ],
    "shop_orders": [
        *_required("workspace_id", "order_id"),
        *_known("workspace_id", "workspace"),
        *_known("shop_customer_id", "shop customer", optional=True),
        *_timestamp("created_at"),
        *_timestamp("updated_at", required=False),
        *_timestamp("cancelled_at", required=False),
        ValueRule("updated_at", "not before created_at", "updated_before_created"),
        ValueRule("cancelled_at", "not before created_at", "cancelled_before_created"),
        *_amount("total_price"),
        *_amount("total_discounts", required=False),
        *_required("currency"),
        ValueRule("currency", "has a rate into the workspace currency on or before the order's UTC date", "no_fx_rate"),
        *_contact_fields(),
    ],
    "order_refunds": [
        *_required("workspace_id", "refund_id", "order_id"),
        *_known("order_id", "order"),
        *_timestamp("refunded_at"),
        *_amount("amount"),
        ValueRule("amount", "at most the order's total_price", "refund_exceeds_order"),
        ValueRule("refunded_at", "not before the order's created_at", "refunded_before_order_created"),
    ],
    "coupons": [
        *_required("workspace_id", "source_id"),
        ValueRule("code", "required, not blank", "null_code"),
        *_known("workspace_id", "workspace"),
        *_enum("source_type", "coupon_source_type"),
        ValueRule("source_id", "names a staged campaign, flow or popup of source_type", "unknown_source_id"),
        *_known("contact_id", "contact", optional=True),
        *_timestamp("distributed_at"),
    ],
    "agents": [
        *_required("workspace_id", "agent_id"),
        *_known("workspace_id", "workspace"),
    ],
    "shared_links": [
        *_required("workspace_id", "link_id", "agent_id"),
        *_known("agent_id", "agent"),
        *_known("contact_id", "contact", optional=True),
        *_enum("link_type", "link_type"),
        *_enum("channel", "channel", required=False),
        *_timestamp("shared_at"),
    ],
    "link_clicks": [
        *_required("workspace_id", "click_event_id", "link_id"),
        *_known("link_id", "shared link"),
        *_timestamp("clicked_at"),
    ],
    "offers": [
        *_required("workspace_id", "offer_id"),
        *_known("workspace_id", "workspace"),
        *_enum("network", "network"),
        ValueRule("attribution_window_hours", "at least 1", "non_positive_attribution_window_hours"),
    ],
    "creatives": [
        *_required("workspace_id", "creative_id"),
        *_known("workspace_id", "workspace"),
    ],
    "affiliate_postbacks": [
        *_required("workspace_id", "postback_id", "conversion_id"),
        *_known("workspace_id", "workspace"),
        *_enum("network", "network"),
        *_timestamp("converted_at"),
        *_timestamp("received_at"),
        ValueRule("received_at", "not before converted_at", "received_before_converted"),
        *_amount("payout"),
        *_required("currency"),
        ValueRule("currency", "has a rate into the workspace currency on or before the conversion's UTC date", "no_fx_rate"),
    ],
    "manual_revenue_imports": [
        *_required("workspace_id", "import_id", "conversion_date"),
        *_known("workspace_id", "workspace"),
        ValueRule("conversion_date", "not later than the build date (plus the future tolerance)", "future_conversion_date"),
        ValueRule("conversion_date", "not before `dq_min_timestamp` (2000-01-01)", "conversion_date_too_old"),
        *_timestamp("imported_at"),
        *_amount("amount"),
    ],
    "holdouts": [
        *_required("workspace_id", "contact_id"),
        *_known("workspace_id", "workspace"),
        ValueRule("campaign_id", "exactly one of campaign_id and flow_id is set", "campaign_and_flow_both_or_neither"),
        *_known("campaign_id", "campaign", optional=True),
        *_known("flow_id", "flow", optional=True),
        *_known("contact_id", "contact"),
        *_enum("holdout_group", "holdout_group"),
        *_timestamp("assigned_at"),
        ValueRule("holdout_group", "one group per contact and send: a contact in both groups of one send has both rows rejected", "contact_in_both_groups"),
    ],
    "fx_rates": [
        *_required("rate_date", "from_currency", "to_currency", "rate"),
        ValueRule("rate", "greater than 0", "non_positive_rate"),
    ],
}


HEADER = "# Rendered by scripts/render_contract.py from msgwh/contract.py; edit those, then re-run it.\n"


def render_macro() -> str:
    lines = [
        "{#- Rendered by scripts/render_contract.py from msgwh/contract.py; do not edit by hand.",
        "    The raw contract (docs/contract.md#raw-tables): table -> [(column, type)], in contract order. -#}",
        "{% macro raw_contract() -%}",
        "    {{ return({",
    ]
    for table, cols in RAW_TABLES.items():
        body = ", ".join(f"('{c}', '{t}')" for c, t in cols)
        lines.append(f"        '{table}': [{body}],")
    lines += ["    }) }}", "{%- endmacro %}", ""]
    lines += [
        "",
        "{#- The enumerations of the contract: name -> allowed values. -#}",
        "{% macro raw_enum(name) -%}",
        "    {{ return({",
    ]
    for name, values in ENUMS.items():
        body = ", ".join(f"'{v}'" for v in values)
        lines.append(f"        '{name}': [{body}],")
    lines += ["    }[name]) }}", "{%- endmacro %}", ""]
    return "\n".join(lines)


def _q(text: str) -> str:
    return '"' + text.replace('"', '\\"') + '"'


def render_sources() -> str:
    out = [
        HEADER.rstrip(),
        "version: 2",
        "",
        "sources:",
        "  - name: raw",
        "    description: \"The raw data contract (docs/contract.md#raw-tables). Read from var('raw_database').var('raw_schema'), or from files under var('raw_path') (see macros/sources/raw_source.sql).\"",
        "    database: \"{{ var('raw_database', target.database) }}\"",
        "    schema: \"{{ var('raw_schema', 'raw') }}\"",
        "    tables:",
    ]
    for table, cols in RAW_TABLES.items():
        out.append(f"      - name: {table}")
        out.append(f"        description: {_q(TABLE_DOCS[table])}")
        if table in LOADED_AT:
            out += [
                "        config:",
                f"          loaded_at_field: {LOADED_AT[table]}",
                "          freshness:",
                f"            warn_after: {FRESHNESS.get(table, DEFAULT_FRESHNESS)[0]}",
                f"            error_after: {FRESHNESS.get(table, DEFAULT_FRESHNESS)[1]}",
            ]
        out.append("        columns:")
        for column, data_type in cols:
            out.append(f"          - name: {column}")
            out.append(f"            data_type: {data_type}")
            out.append(f"            description: {_q(COLUMN_DOCS[column])}")
            if column in ("phone", "email"):
                out.append("            meta: {pii: true}")
    out.append("")
    return "\n".join(out)


def render_seeds() -> str:
    out = [HEADER.rstrip(), "version: 2", "", "seeds:"]
    for table, cols in RAW_TABLES.items():
        out.append(f"  - name: {table}")
        out.append(f"    description: {_q('Demo data for raw.' + table + ': ' + TABLE_DOCS[table])}")
        out.append("    config:")
        out.append("      column_types:")
        for column, data_type in cols:
            out.append(f"        {column}: {data_type}")
    out.append("")
    return "\n".join(out)


def _anchor_link(text: str, anchor: str) -> str:
    return f"[{text}](#{anchor})"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _enum_columns() -> dict[str, list[str]]:
    """enumeration -> the `table.column`s whose value rules name it."""
    used: dict[str, list[str]] = {name: [] for name in ENUMS}
    for table, rules in VALUE_RULES.items():
        for rule in rules:
            if rule.reason == f"unknown_{rule.column}_value":
                name = rule.rule.split("`")[1]
                used[name].append(f"{table}.{rule.column}")
    return used


def render_contract_doc() -> str:
    out = [
        "# Data contract",
        "",
        "<!-- Rendered by scripts/render_contract.py from msgwh/contract.py; edit those, then re-run it. -->",
        "",
        "What the warehouse reads, what it publishes, and what happens to input it cannot use. The",
        "attribution rules themselves, with worked examples, are in [attribution.md](attribution.md).",
        "This page is rendered by `scripts/render_contract.py` from `msgwh/contract.py` (tables,",
        "columns, types, enumerations) and the script's own tables (descriptions, marts, value rules);",
        "`scripts/render_contract.py --check` fails when it is out of date.",
        "",
        "## Contents",
        "",
        "- " + _anchor_link("Where raw data is read from", "where-raw-data-is-read-from"),
        "- " + _anchor_link("Raw tables", "raw-tables") + ": "
        + ", ".join(_anchor_link(table, table) for table in RAW_TABLES),
        "- " + _anchor_link("Enumerations", "enumerations"),
        "- " + _anchor_link("Marts", "marts"),
        "- " + _anchor_link("Bad input", "bad-input"),
        "- " + _anchor_link("Value rules", "value-rules"),
        "",
        "## Where raw data is read from",
        "",
        "The dbt source `raw` names the tables below. dbt reads them from one of:",
        "",
        "| where the data is | how |",
        "|---|---|",
        "| a schema of the warehouse's DuckDB file | var `raw_schema` (default `raw`, where the demo seeds are loaded) |",
        "| a schema of another attached database | vars `raw_database` and `raw_schema` |",
        "| Parquet or CSV files | var `raw_path`: `<raw_path>/<table>.parquet`, `<raw_path>/<table>.csv`, or a folder `<raw_path>/<table>/` of Parquet files |",
        "",
        "Every table must be there, though any may be empty. Every table but `fx_rates` carries",
        "`workspace_id`, and the ids of other entities are unique only within their workspace.",
        "Timestamps are UTC, without a time zone. Money is `" + contract.MONEY + "`, in the currency the",
        "row names (a message's `cost` is in its workspace's currency). The README shows the commands.",
        "",
        "## Raw tables",
        "",
        "| table | a row is | arrival column |",
        "|---|---|---|",
    ]
    for table in RAW_TABLES:
        arrival = contract.ARRIVAL_COLUMN[table]
        out.append(
            f"| {_anchor_link(table, table)} | {_cell(TABLE_DOCS[table])} | "
            + (f"`{arrival}`" if arrival else "none: loaded whole")
            + " |"
        )
    out += [
        "",
        "The arrival column is the one that splits a data set into load batches by time;",
        "tables without one are small and re-read whole.",
    ]
    for table, cols in RAW_TABLES.items():
        out += ["", f"### {table}", "", TABLE_DOCS[table]]
        if table in LOADED_AT:
            warn, error = (_spelled(rule) for rule in FRESHNESS.get(table, DEFAULT_FRESHNESS))
            out += [
                "",
                f"Freshness is judged on `{LOADED_AT[table]}`: a warning after {warn} without new rows,",
                f"an error after {error}.",
            ]
        out += ["", "| column | type | description |", "|---|---|---|"]
        for column, data_type in cols:
            note = " PII: staging only." if column in ("phone", "email") else ""
            out.append(f"| `{column}` | `{data_type}` | {_cell(COLUMN_DOCS[column])}{note} |")
    enum_columns = _enum_columns()
    out += [
        "",
        "## Enumerations",
        "",
        "A value outside its list rejects the row (`unknown_<column>_value`, see "
        + _anchor_link("value rules", "value-rules") + "), so a new value on the platform's side",
        "shows up in `dq_rejected_rows` instead of silently changing the marts.",
        "",
        "| enumeration | values | columns |",
        "|---|---|---|",
    ]
    for name, values in ENUMS.items():
        used = ", ".join(f"`{c}`" for c in enum_columns[name]) or "none checked"
        out.append(f"| `{name}` | " + ", ".join(f"`{v}`" for v in values) + f" | {used} |")
    out += [
        "",
        "## Marts",
        "",
        "The public tables, in the schema `marts`; BI tools and exports read these and nothing else,",
        "from the BI file that holds them alone (`warehouse_bi.duckdb`; one file per workspace on request).",
        "Every mart carries `workspace_id`. Dates are local to the workspace's time zone, weeks start",
        "on Monday, money is in the workspace currency, and a ratio is null when its denominator is 0",
        "(never infinite, never a made-up 0). Phones and e-mails appear only masked or hashed.",
        "",
        "| mart | grain | what it answers | rules |",
        "|---|---|---|---|",
    ]
    for mart, (grain, answers, doc) in MARTS.items():
        out.append(f"| `{mart}` | {_cell(grain)} | {_cell(answers)} | [{doc}]({doc}) |")
    out += [
        "",
        "## Bad input",
        "",
        "Bad rows are expected: missing or unknown ids, negative amounts, phones that do not parse,",
        "timestamps in the future, events of unknown messages, repeated rows. Nothing is dropped",
        "silently: every raw row is either staged (`stg_raw__<table>`) or listed in",
        "`marts.dq_rejected_rows` with its `reason`, and a data test checks, per table, that raw rows =",
        "staged rows + rejected rows.",
        "",
        "- Every value is cast to its column's type first. A value that does not cast exactly rejects",
        "  the row as `invalid_<column>`, naming the first such column; it is never rounded, truncated",
        "  or read in another time zone. A value's text (a Parquet value's too) must have its type's shape:",
        "",
        "  | type | accepted | rejected, for example |",
        "  |---|---|---|",
        "  | `integer` | digits with an optional sign; `5.0` (a whole number written with a point) | `5.5`, `1e3`, `0x10`, `5_000`, out of range |",
        "  | `decimal(18,2)` | a plain decimal with at most 2 places (trailing zeros aside) | `19.999`, `1e2`, `12,50`, more than 16 digits before the point |",
        "  | `double` | a plain or exponent decimal | `nan`, `inf`, `1e400` (beyond the type) |",
        "  | `timestamp` | ISO `YYYY-MM-DD[ T]hh:mm[:ss[.ffffff]]` or a date, hours 00-23, no offset or a zero one (`Z`, `+00:00`) | `+02:00`, nanoseconds, `24:00`, `2026-02-30`, `31/10/2026` |",
        "  | `date` | ISO `YYYY-MM-DD`, or that date at midnight | a time of day other than midnight, `2026-02-30`, `2026-1-1` |",
        "  | `boolean` | `true`, `false`, `t`, `f`, `yes`, `no`, `y`, `n`, `1`, `0` (any case) | `2`, `on`, `maybe` |",
        "",
        "- Then the " + _anchor_link("value rules", "value-rules") + " run in a fixed order; the first",
        "  one a row breaks is its `reason`.",
        "- A row repeating the key of another is rejected as `duplicate_<key>` (a usable copy beats a",
        "  broken one); of an order sent several times, the latest `updated_at` is kept and the other",
        "  versions are `superseded_order_version`.",
        "- A row naming a parent that was rejected is rejected in turn (the events of a rejected",
        "  message are `unknown_message_id`).",
        "",
        "`dq_rejected_rows.disposition` says what became of the row:",
        "",
        "| disposition | the row |",
        "|---|---|",
        "| `rejected` | is not staged and reaches no mart |",
        "| `field_nulled` | is staged and used, with one value set aside (a phone that does not parse, a malformed e-mail) |",
        "| `dropped_in_attribution` | is staged but not counted: a manual revenue import that repeats a postback ([attribution.md#affiliate-conversions](attribution.md#affiliate-conversions)) |",
        "",
        "## Value rules",
        "",
        "What each column must hold for its row to be used, and the `reason` in `dq_rejected_rows`",
        "when it does not. Casting comes before all of them (`invalid_<column>`); the vars named",
        "here are dbt project vars.",
        "",
        "| table | column | must be | reason otherwise |",
        "|---|---|---|---|",
    ]
    for table, rules in VALUE_RULES.items():
        for rule in rules:
            reason = f"`{rule.reason}`"
            if rule.disposition != "rejected":
                reason += f" (row kept: `{rule.disposition}`)"
            out.append(f"| {table} | `{rule.column}` | {_cell(rule.rule)} | {reason} |")
    out.append("")
    return "\n".join(out)


TARGETS = {
    ROOT / "macros/sources/raw_contract.sql": render_macro,
    ROOT / "models/staging/raw/_raw__sources.yml": render_sources,
    ROOT / "seeds/_raw__seeds.yml": render_seeds,
    ROOT / "docs/contract.md": render_contract_doc,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail if a rendered file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, render in TARGETS.items():
        text = render()
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(str(path.relative_to(ROOT)))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    if stale:
        print("out of date, run scripts/render_contract.py:", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
