#!/usr/bin/env python
"""Render the raw data contract (msgwh/contract.py) into the dbt files that restate it.

Writes:
  macros/sources/raw_contract.sql       the columns and types, for staging casts
  models/staging/raw/_raw__sources.yml  the `raw` source with every column described
  seeds/_raw__seeds.yml                 column types for the demo seeds

`--check` exits 1 when a rendered file differs from what is committed, so the
contract cannot drift (tests/python/test_contract.py runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

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

HEADER = "# Rendered by scripts/render_contract.py from msgwh/contract.py; edit those, then re-run it.\n"


def render_macro() -> str:
    lines = [
        "{#- Rendered by scripts/render_contract.py from msgwh/contract.py; do not edit by hand.",
        "    The raw contract (SPEC §2): table -> [(column, type)], in contract order. -#}",
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
        "    description: \"The raw data contract of SPEC §2. Read from var('raw_database').var('raw_schema'), or from files under var('raw_path') (see macros/sources/raw_source.sql).\"",
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
                "            warn_after: {count: 24, period: hour}",
                "            error_after: {count: 72, period: hour}",
                # one row stamped in the future must not make a stale source look fresh
                f"            filter: \"{LOADED_AT[table]} <= current_timestamp + interval '24 hours'\"",
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


TARGETS = {
    ROOT / "macros/sources/raw_contract.sql": render_macro,
    ROOT / "models/staging/raw/_raw__sources.yml": render_sources,
    ROOT / "seeds/_raw__seeds.yml": render_seeds,
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
