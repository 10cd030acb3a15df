#!/usr/bin/env python
"""Write the bad-input corpus: a small GOOD raw data set and, separately, BAD rows (issue 6).

    python tests/data/bad_input/build_corpus.py [--out tests/data/bad_input]

Writes, in the raw contract's shape (msgwh/contract.py), one CSV per raw table:

* `good/<table>.csv`: two shops (w1 in Berlin/EUR, w2 in New York/USD, sharing id strings)
  whose orders attribute by every rule (link, last touch, coupon, not_stitched,
  no_touch_in_window, a settings change), affiliate conversions (attributed, unknown
  click, outside the window, a manual import, a postback refire), messy but usable values
  (e-mail case and spaces, national phone formats, lower-case currency) and display text
  with quotes, commas, emoji, a line break and a 5,000-character name. `flow_runs`,
  `link_clicks` and `popups` are empty.
* `bad/<table>.csv`: rows a real platform sends that staging must reject, every table.
* `expected_rejections.csv`: the rows `marts.dq_rejected_rows` must hold after a build on
  good + bad rows, and nothing else: dataset (good|bad), kind (the bad-input kind), source_table,
  row_key (as `dq_row_key` writes it), reason and disposition.

The rows of `add_rows_the_corpus_found` are the bad input staging did not catch when the
corpus was written (uncastable CSV text failed the build; blank ids, impossible order, refund
and postback timestamps were staged); their reasons were proposed here and staging now uses
them (docs/DECISIONS.md, "Bad input found by the corpus stays in the corpus").

The build runs with var `dq_as_of: '2026-11-01 00:00:00'` (DQ_AS_OF), so "future" means
after 2026-11-02 00:00. Rows are declared next to their expected reason, so the manifest
cannot drift from the data; the files are committed and a test checks they are current.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from msgwh.contract import RAW_TABLES, columns  # noqa: E402

DQ_AS_OF = "2026-11-01 00:00:00"
HERE = Path(__file__).resolve().parent

# the key columns of each table as marts.dq_rejected_rows writes its row_key
ROW_KEYS = {
    "workspaces": ["workspace_id"],
    "attribution_settings": ["workspace_id", "effective_from"],
    "contacts": ["workspace_id", "contact_id"],
    "shop_customers": ["workspace_id", "shop_customer_id"],
    "identity_links": ["workspace_id", "contact_id", "shop_customer_id"],
    "campaigns": ["workspace_id", "campaign_id"],
    "flows": ["workspace_id", "flow_id"],
    "flow_runs": ["workspace_id", "flow_run_id"],
    "popups": ["workspace_id", "popup_id"],
    "messages": ["workspace_id", "message_id"],
    "message_events": ["workspace_id", "event_id"],
    "shop_orders": ["workspace_id", "order_id"],
    "order_refunds": ["workspace_id", "refund_id"],
    "coupons": ["workspace_id", "code", "source_type", "source_id"],
    "agents": ["workspace_id", "agent_id"],
    "shared_links": ["workspace_id", "link_id"],
    "link_clicks": ["workspace_id", "click_event_id"],
    "offers": ["workspace_id", "offer_id"],
    "creatives": ["workspace_id", "creative_id"],
    "affiliate_postbacks": ["workspace_id", "postback_id"],
    "manual_revenue_imports": ["workspace_id", "import_id"],
    "fx_rates": ["rate_date", "from_currency", "to_currency"],
    "holdouts": ["workspace_id", "campaign_id", "flow_id", "contact_id"],
}

LONG_NAME = "Autumn collection – " + "very long campaign name " * 208  # 5,012 characters
QUOTED_NAME = 'Spring "Mega" Sale 🌸, 50% off – O\'Reilly\'s picks'
MULTILINE_NAME = "Welcome 👋 flow\nline two, with \"quotes\""


@dataclass
class Expected:
    dataset: str
    kind: str
    source_table: str
    row_key: str
    reason: str
    disposition: str


class Corpus:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, list[dict]]] = {
            part: {table: [] for table in RAW_TABLES} for part in ("good", "bad")
        }
        self.expected: list[Expected] = []

    @staticmethod
    def row_key(table: str, row: dict) -> str:
        parts = []
        for column in ROW_KEYS[table]:
            value = row.get(column)
            if value is not None and table == "coupons" and column == "code":
                value = value.strip().lower() or None
            if value is not None and table == "fx_rates" and column.endswith("_currency"):
                value = value.strip().upper()
            parts.append("<null>" if value is None else str(value))
        return "|".join(parts)

    def good(self, table: str, **row) -> dict:
        self.rows["good"][table].append(row)
        return row

    def good_flagged(self, table: str, kind: str, reason: str, disposition: str, **row) -> dict:
        """A good row that dq_rejected_rows records anyway (a nulled field, a superseded version...)."""
        self.rows["good"][table].append(row)
        self.expected.append(Expected("good", kind, table, self.row_key(table, row), reason, disposition))
        return row

    def bad(self, table: str, kind: str, reason: str, row_key: str | None = None, **row) -> dict:
        self.rows["bad"][table].append(row)
        key = row_key if row_key is not None else self.row_key(table, row)
        self.expected.append(Expected("bad", kind, table, key, reason, "rejected"))
        return row

    def write(self, out: Path) -> None:
        for part, tables in self.rows.items():
            folder = out / part
            folder.mkdir(parents=True, exist_ok=True)
            for table in RAW_TABLES:
                names = columns(table)
                for row in tables[table]:
                    unknown = set(row) - set(names)
                    assert not unknown, f"{part}/{table}: unknown columns {unknown}"
                with open(folder / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
                    writer = csv.DictWriter(handle, fieldnames=names, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
                    writer.writeheader()
                    for row in tables[table]:
                        writer.writerow({name: row.get(name) for name in names})
        with open(out / "expected_rejections.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(["dataset", "kind", "source_table", "row_key", "reason", "disposition"])
            for item in self.expected:
                writer.writerow([item.dataset, item.kind, item.source_table, item.row_key, item.reason,
                                 item.disposition])


def build() -> Corpus:  # noqa: PLR0915 - one declaration per row reads best
    c = Corpus()

    # ---------------------------------------------------------------- good: workspaces, settings
    c.good("workspaces", workspace_id="w1", name='Café "Zürich" Shop 🛍️', timezone="Europe/Berlin",
           currency="EUR", created_at="2025-01-01 00:00:00")
    c.good("workspaces", workspace_id="w2", name="O'Brien's Outlet, NYC", timezone="America/New_York",
           currency="USD", created_at="2025-01-01 00:00:00")
    c.good("attribution_settings", workspace_id="w1", effective_from="2025-01-01 00:00:00", window_days="5",
           coupon_attribution_enabled="true")
    # from Oct 20 on, w1 attributes within 2 days and ignores coupons (never retroactively)
    c.good("attribution_settings", workspace_id="w1", effective_from="2026-10-20 00:00:00", window_days="2",
           coupon_attribution_enabled="false")

    # ---------------------------------------------------------------- good: contacts, customers, links
    contact = dict(signup_source="popup", region="BE")
    c.good("contacts", workspace_id="w1", contact_id="c1", created_at="2026-09-01 08:00:00", channel="whatsapp",
           phone="+49 151 23456789", email=" Anna.Schmidt@Example.com ", country_code="DE", **contact)
    c.good("contacts", workspace_id="w1", contact_id="c2", created_at="2026-09-02 08:00:00", channel="email",
           email="anna.schmidt@example.com", country_code="de", **contact)
    c.good("contacts", workspace_id="w1", contact_id="c3", created_at="2026-09-03 08:00:00", channel="whatsapp",
           phone="0151 98765432", country_code="DE", **contact)
    c.good_flagged("contacts", "unparseable_phone", "unparseable_phone", "field_nulled", workspace_id="w1",
                   contact_id="c4", created_at="2026-09-04 08:00:00", channel="sms", phone="call me maybe",
                   country_code="DE", **contact)
    c.good_flagged("contacts", "malformed_email", "malformed_email", "field_nulled", workspace_id="w1",
                   contact_id="c5", created_at="2026-09-05 08:00:00", channel="email", email="anna.example.com",
                   country_code="DE", **contact)
    c.good_flagged("contacts", "impossible_phone", "unparseable_phone", "field_nulled", workspace_id="w1",
                   contact_id="c6", created_at="2026-09-06 08:00:00", channel="sms", phone="+1 555 000 0000",
                   country_code="US", **contact)
    c.good("contacts", workspace_id="w1", contact_id="c7", created_at="2026-09-07 08:00:00", channel="web_chat",
           country_code="DE", **contact)
    c.good("contacts", workspace_id="w1", contact_id="c8", created_at="2026-09-08 08:00:00", channel="instagram",
           email="guest@example.com", country_code="DE", **contact)
    c.good("contacts", workspace_id="w1", contact_id="c9", created_at="2026-09-09 08:00:00", channel="email",
           email="nobody.buys@example.com", country_code="DE", **contact)
    c.good_flagged("contacts", "malformed_email", "malformed_email", "field_nulled", workspace_id="w1",
                   contact_id="c10", created_at="2026-09-10 08:00:00", channel="email", email="two@@example.com",
                   country_code="DE", **contact)
    c.good("contacts", workspace_id="w2", contact_id="c1", created_at="2026-09-01 12:00:00", channel="sms",
           phone="(415) 555-2671", country_code="US", signup_source="checkout", region="CA")
    c.good("contacts", workspace_id="w2", contact_id="c2", created_at="2026-09-02 12:00:00", channel="email",
           email="Bob@Example.org", country_code="US", signup_source="checkout", region="NY")
    c.good("contacts", workspace_id="w2", contact_id="c3", created_at="2026-09-03 12:00:00", channel="whatsapp",
           phone="+1 202 555 0143", country_code="US", signup_source="import", region="DC")

    c.good("shop_customers", workspace_id="w1", shop_customer_id="s1", created_at="2026-08-01 00:00:00",
           email="ANNA.SCHMIDT@example.com", country_code="DE")
    c.good("shop_customers", workspace_id="w1", shop_customer_id="s2", created_at="2026-08-02 00:00:00",
           phone="+4915198765432", country_code="DE")
    c.good("shop_customers", workspace_id="w1", shop_customer_id="s3", created_at="2026-08-03 00:00:00",
           country_code="DE")
    c.good("shop_customers", workspace_id="w1", shop_customer_id="s4", created_at="2026-08-04 00:00:00",
           email="stranger@example.net", country_code="DE")
    c.good_flagged("shop_customers", "unparseable_phone", "unparseable_phone", "field_nulled", workspace_id="w1",
                   shop_customer_id="s5", created_at="2026-08-05 00:00:00", phone="000", country_code="US")
    c.good_flagged("shop_customers", "malformed_email", "malformed_email", "field_nulled", workspace_id="w1",
                   shop_customer_id="s6", created_at="2026-08-06 00:00:00", email="with space@example.com",
                   country_code="DE")
    c.good("shop_customers", workspace_id="w2", shop_customer_id="s1", created_at="2026-08-01 00:00:00",
           phone="415-555-2671", country_code="US")
    c.good("shop_customers", workspace_id="w2", shop_customer_id="s2", created_at="2026-08-02 00:00:00",
           email="bob@example.org", country_code="US")
    c.good("identity_links", workspace_id="w1", contact_id="c7", shop_customer_id="s3",
           linked_at="2026-10-01 00:00:00", method="login")

    # ---------------------------------------------------------------- good: sources of credit
    c.good("campaigns", workspace_id="w1", campaign_id="k1", name=QUOTED_NAME, channel="whatsapp",
           published_at="2026-10-01 09:00:00", status="sent", sending_list="VIP – «Stammkunden»")
    c.good("campaigns", workspace_id="w1", campaign_id="k2", name=LONG_NAME, channel="email",
           published_at="2026-10-05 09:00:00", status="sent")
    c.good("campaigns", workspace_id="w1", campaign_id="k3", name="Draft ✏️ (not sent)", channel="sms",
           status="draft")
    c.good("campaigns", workspace_id="w2", campaign_id="k1", name="Fall sale; \"quoted\" 🍂", channel="sms",
           published_at="2026-10-02 09:00:00", status="sent", creative_id="cr1", offer_id="of1")
    c.good("flows", workspace_id="w1", flow_id="f1", name=MULTILINE_NAME, flow_type="welcome", channel="whatsapp",
           created_at="2026-09-01 00:00:00", status="live")
    c.good("flows", workspace_id="w2", flow_id="f1", name="Cart 🛒 reminder", flow_type="cart_abandonment",
           channel="email", created_at="2026-09-01 00:00:00", status="live")
    c.good("agents", workspace_id="w1", agent_id="a1", name="Zoë O'Connor", team="Support 🌍")
    c.good("agents", workspace_id="w2", agent_id="a1", name="李伟 (Li Wei)", team="Sales, East")
    c.good("shared_links", workspace_id="w1", link_id="l1", agent_id="a1", contact_id="c3", conversation_id="cv3",
           link_type="checkout", channel="whatsapp", shared_at="2026-10-10 10:00:00")
    c.good("offers", workspace_id="w2", offer_id="of1", name='Offer "VIP" 💎', network="tune",
           attribution_window_hours="72")
    c.good("creatives", workspace_id="w2", creative_id="cr1", name="Creative ✨ <b>bold</b>", offer_id="of1")
    c.good("coupons", workspace_id="w1", code="SPRING10", source_type="campaign", source_id="k1",
           generated_by_platform="true", distributed_at="2026-10-01 09:00:00")
    c.good("coupons", workspace_id="w1", code="WELCOME5", source_type="flow", source_id="f1",
           generated_by_platform="true", contact_id="c3", distributed_at="2026-09-03 08:05:00")
    c.good("coupons", workspace_id="w1", code="FIXED20", source_type="campaign", source_id="k1",
           generated_by_platform="false", distributed_at="2026-10-01 09:00:00")

    # ---------------------------------------------------------------- good: messages and events
    def message(ws, mid, contact_id, source_type, sent_at, channel, **extra):
        return c.good("messages", workspace_id=ws, message_id=mid, contact_id=contact_id, source_type=source_type,
                      channel=channel, conversation_id=f"cv-{ws}-{contact_id}", conversation_category="marketing",
                      sent_at=sent_at, cost="0.05", segments="1", **extra)

    message("w1", "m1", "c1", "campaign", "2026-10-08 09:00:00", "whatsapp", campaign_id="k1")
    message("w1", "m2", "c3", "flow", "2026-10-09 09:00:00", "whatsapp", flow_id="f1")
    message("w1", "m3", "c3", "helpdesk", "2026-10-10 09:55:00", "whatsapp", agent_id="a1")
    message("w1", "m4", "c9", "campaign", "2026-10-05 09:00:00", "email", campaign_id="k2")
    message("w1", "m5", "c8", "campaign", "2026-10-05 09:00:00", "email", campaign_id="k2")
    message("w1", "m6", "c7", "campaign", "2026-10-01 09:00:00", "whatsapp", campaign_id="k1")
    message("w1", "m7", "c2", "campaign", "2026-10-21 09:00:00", "email", campaign_id="k2")
    message("w2", "m1", "c1", "campaign", "2026-10-02 09:00:00", "sms", campaign_id="k1", creative_id="cr1",
            offer_id="of1")
    message("w2", "m2", "c2", "flow", "2026-10-03 09:00:00", "email", flow_id="f1")
    message("w2", "m3", "c3", "campaign", "2026-10-02 09:00:00", "whatsapp", campaign_id="k1", creative_id="cr1")

    def event(ws, eid, mid, event_type, occurred_at, **extra):
        return c.good("message_events", workspace_id=ws, event_id=eid, message_id=mid, event_type=event_type,
                      occurred_at=occurred_at, **extra)

    event("w1", "e1", "m1", "delivered", "2026-10-08 09:00:05")
    event("w1", "e2", "m1", "read", "2026-10-08 10:00:00")
    event("w1", "e3", "m2", "delivered", "2026-10-09 09:00:03")
    event("w1", "e4", "m2", "read", "2026-10-09 12:00:00")
    event("w1", "e5", "m3", "read", "2026-10-10 09:56:00")
    event("w1", "e6", "m4", "delivered", "2026-10-05 09:00:01")
    event("w1", "e7", "m5", "read", "2026-10-05 11:00:00")
    event("w1", "e8", "m5", "clicked", "2026-10-05 11:01:00", click_id="w1-click-8",
          url='https://shop.example/p?q="quoted"&emoji=🎁')
    event("w1", "e9", "m6", "read", "2026-10-01 10:00:00")
    event("w1", "e10", "m7", "read", "2026-10-21 10:00:00")
    event("w1", "e11", "m4", "failed", "2026-10-05 09:00:02")
    event("w2", "e1", "m1", "delivered", "2026-10-02 09:00:02")
    event("w2", "e2", "m1", "clicked", "2026-10-02 12:00:00", click_id="ck1", url="https://offer.example/vip")
    event("w2", "e3", "m2", "read", "2026-10-03 10:00:00")
    event("w2", "e4", "m2", "quick_reply", "2026-10-03 10:05:00")
    event("w2", "e5", "m3", "clicked", "2026-10-02 10:00:00", click_id="ck3", url="https://offer.example/late")
    # a webhook retry: the same event_id again (the first is kept)
    c.good_flagged("message_events", "webhook_retry", "duplicate_event_id", "rejected", workspace_id="w2",
                   event_id="e3", message_id="m2", event_type="read", occurred_at="2026-10-03 10:00:00")

    # ---------------------------------------------------------------- good: orders
    def order(ws, oid, created_at, total, **extra):
        row = dict(workspace_id=ws, order_id=oid, created_at=created_at, updated_at=created_at, currency="EUR",
                   total_price=total, total_discounts="0.00")
        row.update(extra)
        return row

    # last touch: c1 read m1 (campaign k1) 26 h before; c1 and c2 both stitch to s1 by e-mail
    c.good("shop_orders", **order("w1", "o1", "2026-10-09 12:00:00", "100.00", shop_customer_id="s1",
                                  updated_at="2026-10-09 12:00:04"))
    # link: through l1 shared at 10:00, although c3 read flow message m2 the day before
    c.good("shop_orders", **order("w1", "o2", "2026-10-10 10:30:00", "80.00", shop_customer_id="s2",
                                  shared_link_id="l1"))
    # last touch on a flow message (c3 stitched to s2 by phone)
    c.good("shop_orders", **order("w1", "o3", "2026-10-12 08:00:00", "30.00", shop_customer_id="s2"))
    # a guest order stitched through its own e-mail to c8, who read and clicked m5 (campaign k2)
    c.good("shop_orders", **order("w1", "o4", "2026-10-06 09:00:00", "45.50", email="  GUEST@example.com ",
                                  currency=" eur "))
    # coupon: s4 has no contact; a platform code of campaign k1, trimmed and case-insensitive
    c.good("shop_orders", **order("w1", "o5", "2026-10-15 18:00:00", "60.00", shop_customer_id="s4",
                                  discount_codes=" spring10 , FIXED20", total_discounts="6.00"))
    # no touch in window: c7 (identity link to s3) read 14 days earlier
    c.good("shop_orders", **order("w1", "o6", "2026-10-15 10:00:00", "25.00", shop_customer_id="s3"))
    # not stitched, a fixed code only
    c.good("shop_orders", **order("w1", "o7", "2026-10-16 10:00:00", "15.00", shop_customer_id="s4",
                                  discount_codes="FIXED20"))
    # after the settings change: window 2 days (c2 read m7 4 days before) and coupons disabled
    c.good("shop_orders", **order("w1", "o8", "2026-10-25 10:00:00", "70.00", shop_customer_id="s1",
                                  discount_codes="SPRING10"))
    # paid in USD, converted at the USD->EUR rate in force; last touch k1 like o1
    c.good("shop_orders", **order("w1", "o9", "2026-10-09 13:00:00", "50.00", shop_customer_id="s1",
                                  currency="USD"))
    # an order update: the later version (cancelled) wins, the first is superseded
    c.good_flagged("shop_orders", "order_update", "superseded_order_version", "rejected",
                   **order("w1", "o10", "2026-10-09 14:00:00", "40.00", shop_customer_id="s1",
                           updated_at="2026-10-09 14:00:02"))
    c.good("shop_orders", **order("w1", "o10", "2026-10-09 14:00:00", "40.00", shop_customer_id="s1",
                                  updated_at="2026-10-11 08:00:00", cancelled_at="2026-10-11 08:00:00"))
    # a refunded order; and a coupon of flow f1 whose code names contact c3 (s5 has no contact)
    c.good("shop_orders", **order("w1", "o11", "2026-10-09 15:00:00", "90.00", shop_customer_id="s1"))
    c.good("shop_orders", **order("w1", "o12", "2026-10-18 10:00:00", "35.00", shop_customer_id="s5",
                                  discount_codes="welcome5"))
    # a guest order with a phone that does not parse: used, the phone nulled
    c.good_flagged("shop_orders", "unparseable_phone", "unparseable_phone", "field_nulled",
                   **order("w1", "o13", "2026-10-19 10:00:00", "12.00", phone="12345"))
    c.good("order_refunds", workspace_id="w1", refund_id="r1", order_id="o11", refunded_at="2026-10-12 10:00:00",
           amount="20.00")
    c.good("order_refunds", workspace_id="w1", refund_id="r2", order_id="o11", refunded_at="2026-10-13 10:00:00",
           amount="5.50")
    usd = dict(currency=" usd ")
    c.good("shop_orders", **order("w2", "o1", "2026-10-03 10:00:00", "120.00", shop_customer_id="s1", **usd))
    c.good("shop_orders", **order("w2", "o2", "2026-10-05 10:00:00", "75.25", shop_customer_id="s2", **usd))
    c.good("shop_orders", **order("w2", "o3", "2026-10-06 10:00:00", "10.00", **usd))
    c.good("shop_orders", **order("w2", "o4", "2026-10-07 10:00:00", "20.00", shop_customer_id="s1",
                                  currency="EUR"))

    c.good("fx_rates", rate_date="2026-09-30", from_currency="USD", to_currency="EUR", rate="0.92")
    c.good("fx_rates", rate_date="2026-10-15", from_currency="USD", to_currency="EUR", rate="0.93")
    c.good("fx_rates", rate_date="2026-09-30", from_currency="eur", to_currency="usd", rate="1.087")

    # ---------------------------------------------------------------- good: affiliate revenue (w2)
    def postback(pid, network, click_id, conversion_id, payout, converted_at, received_at, currency="USD"):
        return dict(workspace_id="w2", postback_id=pid, network=network, click_id=click_id,
                    conversion_id=conversion_id, payout=payout, currency=currency, converted_at=converted_at,
                    received_at=received_at)

    c.good("affiliate_postbacks", **postback("pb1", "tune", "ck1", "cv1", "12.50", "2026-10-02 14:00:00",
                                             "2026-10-02 14:05:00"))
    c.good_flagged("affiliate_postbacks", "postback_refire", "duplicate_conversion", "rejected",
                   **postback("pb2", "tune", "ck1", "cv1", "12.50", "2026-10-02 14:00:00", "2026-10-02 18:00:00"))
    c.good("affiliate_postbacks", **postback("pb3", "everflow", "ck404", "cv3", "8.00", "2026-10-04 10:00:00",
                                             "2026-10-04 10:01:00"))
    # 72 h window of offer of1 through creative cr1: converted 8 days after the click
    c.good("affiliate_postbacks", **postback("pb4", "impact", "ck3", "cv4", "9.00", "2026-10-10 10:00:00",
                                             "2026-10-10 10:01:00", currency="EUR"))
    c.good("manual_revenue_imports", workspace_id="w2", import_id="i1", click_id="ck1", amount="5.00",
           conversion_date="2026-10-10", imported_at="2026-10-11 08:00:00", file_name="network_oct.csv")
    c.good_flagged("manual_revenue_imports", "import_repeats_postback", "duplicate_of_postback",
                   "dropped_in_attribution", workspace_id="w2", import_id="i2", click_id="ck1", amount="12.50",
                   conversion_date="2026-10-02", imported_at="2026-10-11 08:00:00", file_name="network_oct.csv")

    add_holdouts(c)
    add_bad_rows(c)
    add_rows_the_corpus_found(c)
    add_values_a_cast_would_alter(c)
    return c


def add_bad_rows(c: Corpus) -> None:  # noqa: PLR0915
    b = c.bad
    ts = "2026-10-10 10:00:00"

    # ---------------------------------------------------------------- null ids
    b("workspaces", "null_id", "null_workspace_id", name="nameless", timezone="UTC", currency="EUR",
      created_at="2025-01-01 00:00:00")
    b("attribution_settings", "null_id", "null_workspace_id", effective_from="2026-10-01 00:00:00", window_days="5")
    b("contacts", "null_id", "null_contact_id", workspace_id="w1", created_at=ts, channel="sms")
    b("shop_customers", "null_id", "null_shop_customer_id", workspace_id="w1", created_at=ts)
    b("identity_links", "null_id", "null_contact_id", workspace_id="w1", shop_customer_id="s1", linked_at=ts)
    b("identity_links", "null_id", "null_shop_customer_id", workspace_id="w1", contact_id="c1", linked_at=ts)
    b("campaigns", "null_id", "null_campaign_id", workspace_id="w1", name="no id", channel="sms", status="sent")
    b("flows", "null_id", "null_flow_id", workspace_id="w1", name="no id", flow_type="other", channel="sms")
    b("flow_runs", "null_id", "null_flow_run_id", workspace_id="w1", flow_id="f1", contact_id="c1", started_at=ts)
    b("popups", "null_id", "null_popup_id", workspace_id="w1", name="no id", created_at=ts)
    b("messages", "null_id", "null_message_id", workspace_id="w1", contact_id="c1", source_type="campaign",
      campaign_id="k1", channel="sms", sent_at=ts)
    b("messages", "null_id", "null_contact_id", workspace_id="w1", message_id="mx-null-contact",
      source_type="campaign", campaign_id="k1", channel="sms", sent_at=ts)
    b("message_events", "null_id", "null_event_id", workspace_id="w1", message_id="m1", event_type="read",
      occurred_at=ts)
    b("message_events", "null_id", "null_message_id", workspace_id="w1", event_id="ex-null-message",
      event_type="read", occurred_at=ts)
    b("message_events", "null_id", "null_workspace_id", event_id="ex-null-ws", message_id="m1", event_type="read",
      occurred_at=ts)
    b("shop_orders", "null_id", "null_order_id", workspace_id="w1", shop_customer_id="s1", created_at=ts,
      updated_at=ts, currency="EUR", total_price="10.00")
    b("order_refunds", "null_id", "null_refund_id", workspace_id="w1", order_id="o1", refunded_at=ts, amount="1.00")
    b("order_refunds", "null_id", "null_order_id", workspace_id="w1", refund_id="rx-null-order", refunded_at=ts,
      amount="1.00")
    b("coupons", "null_id", "null_code", workspace_id="w1", code="   ", source_type="campaign", source_id="k1",
      generated_by_platform="true", distributed_at=ts)
    b("coupons", "null_id", "null_source_id", workspace_id="w1", code="NOSOURCE", source_type="campaign",
      generated_by_platform="true", distributed_at=ts)
    b("agents", "null_id", "null_agent_id", workspace_id="w1", name="nobody")
    b("shared_links", "null_id", "null_link_id", workspace_id="w1", agent_id="a1", contact_id="c3",
      link_type="product", shared_at=ts)
    b("link_clicks", "null_id", "null_click_event_id", workspace_id="w1", link_id="l1", clicked_at=ts)
    b("link_clicks", "null_id", "null_link_id", workspace_id="w1", click_event_id="lc-null-link", clicked_at=ts)
    b("offers", "null_id", "null_offer_id", workspace_id="w2", name="no id", network="tune")
    b("creatives", "null_id", "null_creative_id", workspace_id="w2", name="no id")
    b("affiliate_postbacks", "null_id", "null_postback_id", workspace_id="w2", network="tune", click_id="ck1",
      conversion_id="cv-null-pb", payout="1.00", currency="USD", converted_at=ts, received_at=ts)
    b("affiliate_postbacks", "null_id", "null_conversion_id", workspace_id="w2", postback_id="pb-null-conv",
      network="tune", click_id="ck1", payout="1.00", currency="USD", converted_at=ts, received_at=ts)
    b("manual_revenue_imports", "null_id", "null_import_id", workspace_id="w2", click_id="ck1", amount="1.00",
      conversion_date="2026-10-09", imported_at=ts, file_name="x.csv")
    b("fx_rates", "null_id", "null_from_currency", rate_date="2026-10-01", to_currency="EUR", rate="1.5")

    # ---------------------------------------------------------------- unknown ids
    b("contacts", "unknown_id", "unknown_workspace_id", workspace_id="w9", contact_id="c1", created_at=ts,
      channel="sms")
    b("attribution_settings", "unknown_id", "unknown_workspace_id", workspace_id="w9",
      effective_from="2026-10-01 00:00:00", window_days="5")
    b("campaigns", "unknown_id", "unknown_workspace_id", workspace_id="w9", campaign_id="k1", name="x",
      channel="sms", status="sent")
    b("identity_links", "unknown_id", "unknown_contact_id", workspace_id="w1", contact_id="c404",
      shop_customer_id="s1", linked_at=ts)
    b("identity_links", "unknown_id", "unknown_shop_customer_id", workspace_id="w1", contact_id="c1",
      shop_customer_id="s404", linked_at=ts)
    b("flow_runs", "unknown_id", "unknown_flow_id", workspace_id="w1", flow_run_id="fr-unknown-flow",
      flow_id="f404", contact_id="c1", started_at=ts)
    b("flow_runs", "unknown_id", "unknown_contact_id", workspace_id="w1", flow_run_id="fr-unknown-contact",
      flow_id="f1", contact_id="c404", started_at=ts)
    b("messages", "unknown_id", "unknown_contact_id", workspace_id="w1", message_id="mx-unknown-contact",
      contact_id="c404", source_type="campaign", campaign_id="k1", channel="sms", sent_at=ts)
    b("messages", "unknown_id", "unknown_campaign_id", workspace_id="w1", message_id="mx-unknown-campaign",
      contact_id="c1", source_type="campaign", campaign_id="k404", channel="sms", sent_at=ts)
    b("messages", "unknown_id", "unknown_flow_id", workspace_id="w1", message_id="mx-unknown-flow",
      contact_id="c1", source_type="flow", flow_id="f404", channel="sms", sent_at=ts)
    b("messages", "unknown_id", "unknown_agent_id", workspace_id="w1", message_id="mx-unknown-agent",
      contact_id="c1", source_type="helpdesk", agent_id="a404", channel="sms", sent_at=ts)
    # ids are unique only within a workspace: w2 has no contact c4
    b("messages", "unknown_id", "unknown_contact_id", workspace_id="w2", message_id="mx-other-workspace",
      contact_id="c4", source_type="campaign", campaign_id="k1", channel="sms", sent_at=ts)
    b("order_refunds", "unknown_id", "unknown_order_id", workspace_id="w1", refund_id="rx-unknown-order",
      order_id="o404", refunded_at=ts, amount="1.00")
    b("coupons", "unknown_id", "unknown_source_id", workspace_id="w1", code="GHOST", source_type="popup",
      source_id="p404", generated_by_platform="true", distributed_at=ts)
    b("coupons", "unknown_id", "unknown_contact_id", workspace_id="w1", code="PERSONAL", source_type="campaign",
      source_id="k1", contact_id="c404", generated_by_platform="true", distributed_at=ts)
    b("shared_links", "unknown_id", "unknown_agent_id", workspace_id="w1", link_id="lx-unknown-agent",
      agent_id="a404", contact_id="c3", link_type="product", shared_at=ts)
    b("shared_links", "unknown_id", "unknown_contact_id", workspace_id="w1", link_id="lx-unknown-contact",
      agent_id="a1", contact_id="c404", link_type="product", shared_at=ts)
    b("link_clicks", "unknown_id", "unknown_link_id", workspace_id="w1", click_event_id="lc-unknown-link",
      link_id="l404", clicked_at=ts)
    b("offers", "unknown_id", "unknown_workspace_id", workspace_id="w9", offer_id="of1", name="x", network="tune")
    b("affiliate_postbacks", "unknown_id", "unknown_workspace_id", workspace_id="w9", postback_id="pb1",
      network="tune", click_id="ck1", conversion_id="cv1", payout="1.00", currency="USD", converted_at=ts,
      received_at=ts)
    b("manual_revenue_imports", "unknown_id", "unknown_workspace_id", workspace_id="w9", import_id="i1",
      click_id="ck1", amount="1.00", conversion_date="2026-10-09", imported_at=ts, file_name="x.csv")

    # ---------------------------------------------------------------- events for unknown messages
    b("message_events", "event_for_unknown_message", "unknown_message_id", workspace_id="w1", event_id="ex-m404",
      message_id="m404", event_type="read", occurred_at=ts)
    # m7 exists in w1 only
    b("message_events", "event_for_unknown_message", "unknown_message_id", workspace_id="w2", event_id="ex-m7",
      message_id="m7", event_type="clicked", occurred_at=ts, click_id="ck-x")
    # the event of a message that was itself rejected cascades
    b("message_events", "event_for_unknown_message", "unknown_message_id", workspace_id="w1",
      event_id="ex-rejected-message", message_id="mx-unknown-contact", event_type="read", occurred_at=ts)

    # ---------------------------------------------------------------- orders for unknown customers
    b("shop_orders", "order_for_unknown_customer", "unknown_shop_customer_id", workspace_id="w1", order_id="ox-s404",
      shop_customer_id="s404", created_at=ts, updated_at=ts, currency="EUR", total_price="10.00")
    b("shop_orders", "order_for_unknown_customer", "unknown_workspace_id", workspace_id="w9", order_id="o1",
      shop_customer_id="s1", created_at=ts, updated_at=ts, currency="EUR", total_price="10.00")

    # ---------------------------------------------------------------- negative amounts
    def bad_order(oid, kind, reason, **extra):
        row = dict(workspace_id="w1", order_id=oid, shop_customer_id="s1", created_at=ts, updated_at=ts,
                   currency="EUR", total_price="10.00", total_discounts="0.00")
        row.update(extra)
        return b("shop_orders", kind, reason, **row)

    def bad_postback(pid, kind, reason, **extra):
        row = dict(workspace_id="w2", postback_id=pid, network="tune", click_id="ck1", conversion_id=f"cv-{pid}",
                   payout="1.00", currency="USD", converted_at=ts, received_at=ts)
        row.update(extra)
        return b("affiliate_postbacks", kind, reason, **row)

    def bad_refund(rid, kind, reason, **extra):
        row = dict(workspace_id="w1", refund_id=rid, order_id="o1", refunded_at=ts, amount="1.00")
        row.update(extra)
        return b("order_refunds", kind, reason, **row)

    def bad_import(iid, kind, reason, **extra):
        row = dict(workspace_id="w2", import_id=iid, click_id=f"ck-{iid}", amount="1.00",
                   conversion_date="2026-10-09", imported_at=ts, file_name="bad.csv")
        row.update(extra)
        return b("manual_revenue_imports", kind, reason, **row)

    def bad_message(mid, kind, reason, **extra):
        row = dict(workspace_id="w1", message_id=mid, contact_id="c1", source_type="campaign", campaign_id="k1",
                   channel="sms", conversation_category="marketing", sent_at=ts, cost="0.05", segments="1")
        row.update(extra)
        return b("messages", kind, reason, **row)

    def bad_event(eid, kind, reason, **extra):
        row = dict(workspace_id="w1", event_id=eid, message_id="m1", event_type="read", occurred_at=ts)
        row.update(extra)
        return b("message_events", kind, reason, **row)

    bad_order("ox-negative", "negative_amount", "negative_total_price", total_price="-5.00")
    bad_order("ox-negative-discount", "negative_amount", "negative_total_discounts", total_discounts="-1.00")
    bad_postback("pbx-negative", "negative_amount", "negative_payout", payout="-3.00")
    bad_refund("rx-negative", "negative_amount", "negative_amount", amount="-2.00")
    bad_import("ix-negative", "negative_amount", "negative_amount", amount="-1.00")
    bad_message("mx-negative-cost", "negative_amount", "negative_cost", cost="-0.01")
    bad_message("mx-negative-segments", "negative_amount", "non_positive_segments", segments="-1")
    b("offers", "negative_amount", "non_positive_attribution_window_hours", workspace_id="w2", offer_id="ofx-negative",
      name="negative window", network="tune", attribution_window_hours="-1")
    b("fx_rates", "negative_amount", "non_positive_rate", rate_date="2026-10-02", from_currency="USD",
      to_currency="EUR", rate="-0.9")
    b("attribution_settings", "negative_amount", "window_days_out_of_range", workspace_id="w2",
      effective_from="2026-10-01 00:00:00", window_days="-2")

    # ---------------------------------------------------------------- null amounts
    bad_order("ox-null-price", "null_amount", "null_total_price", total_price=None)
    bad_postback("pbx-null", "null_amount", "null_payout", payout=None)
    bad_refund("rx-null", "null_amount", "null_amount", amount=None)
    bad_import("ix-null", "null_amount", "null_amount", amount=None)
    b("fx_rates", "null_amount", "null_rate", rate_date="2026-10-03", from_currency="USD", to_currency="EUR")
    b("attribution_settings", "null_amount", "null_window_days", workspace_id="w2",
      effective_from="2026-10-02 00:00:00")

    # ---------------------------------------------------------------- absurd amounts
    bad_order("ox-absurd", "absurd_amount", "total_price_out_of_range", total_price="99999999.00")
    bad_order("ox-absurd-discount", "absurd_amount", "total_discounts_out_of_range", total_discounts="5000000.00")
    bad_postback("pbx-absurd", "absurd_amount", "payout_out_of_range", payout="5000000.00")
    bad_refund("rx-absurd", "absurd_amount", "amount_out_of_range", amount="2000000.00")
    bad_import("ix-absurd", "absurd_amount", "amount_out_of_range", amount="1000000000.00")
    bad_message("mx-absurd-cost", "absurd_amount", "cost_out_of_range", cost="10000000.00")
    b("fx_rates", "absurd_amount", "non_positive_rate", rate_date="2026-10-04", from_currency="USD",
      to_currency="EUR", rate="0")
    b("attribution_settings", "absurd_amount", "window_days_out_of_range", workspace_id="w2",
      effective_from="2026-10-03 00:00:00", window_days="10000")

    # ---------------------------------------------------------------- timestamps in the future
    future, far_future = "2026-12-15 10:00:00", "2099-01-01 00:00:00"
    bad_order("ox-future", "future_timestamp", "future_created_at", created_at=future, updated_at=future)
    bad_event("ex-future", "future_timestamp", "future_occurred_at", occurred_at=far_future)
    bad_message("mx-future", "future_timestamp", "future_sent_at", sent_at=future)
    b("contacts", "future_timestamp", "future_created_at", workspace_id="w1", contact_id="cx-future",
      created_at=far_future, channel="sms")
    b("shop_customers", "future_timestamp", "future_created_at", workspace_id="w1", shop_customer_id="sx-future",
      created_at=far_future)
    b("identity_links", "future_timestamp", "future_linked_at", workspace_id="w1", contact_id="c9",
      shop_customer_id="s4", linked_at=far_future)
    b("campaigns", "future_timestamp", "future_published_at", workspace_id="w1", campaign_id="kx-future",
      name="future", channel="sms", status="scheduled", published_at=far_future)
    b("flows", "future_timestamp", "future_created_at", workspace_id="w1", flow_id="fx-future", name="future",
      flow_type="other", channel="sms", created_at=far_future)
    b("flow_runs", "future_timestamp", "future_started_at", workspace_id="w1", flow_run_id="fr-future",
      flow_id="f1", contact_id="c1", started_at=future)
    b("popups", "future_timestamp", "future_created_at", workspace_id="w1", popup_id="px-future", name="future",
      created_at=far_future)
    bad_refund("rx-future", "future_timestamp", "future_refunded_at", refunded_at=future)
    b("coupons", "future_timestamp", "future_distributed_at", workspace_id="w1", code="LATER",
      source_type="campaign", source_id="k1", generated_by_platform="true", distributed_at=far_future)
    b("shared_links", "future_timestamp", "future_shared_at", workspace_id="w1", link_id="lx-future", agent_id="a1",
      contact_id="c3", link_type="product", shared_at=future)
    b("link_clicks", "future_timestamp", "future_clicked_at", workspace_id="w1", click_event_id="lc-future",
      link_id="l1", clicked_at=future)
    bad_postback("pbx-future", "future_timestamp", "future_converted_at", converted_at=far_future,
                 received_at=far_future)
    bad_import("ix-future", "future_timestamp", "future_conversion_date", conversion_date="2099-01-01")
    b("attribution_settings", "future_timestamp", "future_effective_from", workspace_id="w2",
      effective_from=far_future, window_days="5")
    b("workspaces", "future_timestamp", "future_created_at", workspace_id="wx-future", name="future",
      timezone="UTC", currency="EUR", created_at=far_future)

    # ---------------------------------------------------------------- timestamps before 2000
    old, epoch = "1999-12-31 23:59:59", "1970-01-01 00:00:00"
    bad_order("ox-old", "timestamp_before_2000", "created_at_too_old", created_at=old, updated_at=old)
    bad_event("ex-epoch", "timestamp_before_2000", "occurred_at_too_old", occurred_at=epoch)
    bad_message("mx-old", "timestamp_before_2000", "sent_at_too_old", sent_at=old)
    b("contacts", "timestamp_before_2000", "created_at_too_old", workspace_id="w1", contact_id="cx-old",
      created_at="1900-01-01 00:00:00", channel="sms")
    bad_postback("pbx-old", "timestamp_before_2000", "converted_at_too_old", converted_at=epoch)
    b("link_clicks", "timestamp_before_2000", "clicked_at_too_old", workspace_id="w1", click_event_id="lc-old",
      link_id="l1", clicked_at=old)
    bad_import("ix-old", "timestamp_before_2000", "conversion_date_too_old", conversion_date="1999-12-31")
    bad_refund("rx-old", "timestamp_before_2000", "refunded_at_too_old", refunded_at=old)

    # ---------------------------------------------------------------- missing required timestamps
    bad_order("ox-null-created", "null_timestamp", "null_created_at", created_at=None)
    bad_event("ex-null-time", "null_timestamp", "null_occurred_at", occurred_at=None)
    bad_message("mx-null-sent", "null_timestamp", "null_sent_at", sent_at=None)
    b("contacts", "null_timestamp", "null_created_at", workspace_id="w1", contact_id="cx-null-created",
      channel="sms")

    # ---------------------------------------------------------------- currencies without a rate
    bad_order("ox-jpy", "currency_without_rate", "no_fx_rate", currency="JPY", total_price="1500.00")
    bad_order("ox-euro", "currency_without_rate", "no_fx_rate", currency="EURO")
    bad_order("ox-null-currency", "currency_without_rate", "null_currency", currency=None)
    # USD->EUR is quoted from 2026-09-30 only
    bad_order("ox-before-first-rate", "currency_without_rate", "no_fx_rate", currency="USD",
              created_at="2026-09-29 10:00:00", updated_at="2026-09-29 10:00:00")
    bad_postback("pbx-chf", "currency_without_rate", "no_fx_rate", currency="CHF")

    # ---------------------------------------------------------------- duplicates with conflicting values
    dup = "duplicate_conflicting"
    b("workspaces", dup, "duplicate_workspace_id", workspace_id="w1", name="w1 again", timezone="Asia/Tokyo",
      currency="JPY", created_at="2026-01-01 00:00:00")
    b("attribution_settings", dup, "duplicate_effective_from", workspace_id="w1",
      effective_from="2026-10-20 00:00:00", window_days="30", coupon_attribution_enabled="true")
    b("contacts", dup, "duplicate_contact_id", workspace_id="w1", contact_id="c1", created_at="2026-09-15 08:00:00",
      channel="email", email="someone.else@example.com", country_code="DE")
    b("shop_customers", dup, "duplicate_shop_customer_id", workspace_id="w1", shop_customer_id="s4",
      created_at="2026-09-01 00:00:00", email="guest@example.com", country_code="DE")
    b("identity_links", dup, "duplicate_identity_link", workspace_id="w1", contact_id="c7", shop_customer_id="s3",
      linked_at="2026-10-05 00:00:00", method="support_agent")
    b("campaigns", dup, "duplicate_campaign_id", workspace_id="w1", campaign_id="k1", name="k1 renamed",
      channel="sms", published_at="2026-09-01 09:00:00", status="sent")
    b("flows", dup, "duplicate_flow_id", workspace_id="w1", flow_id="f1", name="f1 again", flow_type="winback",
      channel="sms", created_at="2026-09-15 00:00:00", status="paused")
    b("agents", dup, "duplicate_agent_id", workspace_id="w1", agent_id="a1", name="Zzz duplicate", team="other")
    b("shared_links", dup, "duplicate_link_id", workspace_id="w1", link_id="l1", agent_id="a1", contact_id="c1",
      link_type="product", channel="sms", shared_at="2026-10-10 11:00:00")
    b("offers", dup, "duplicate_offer_id", workspace_id="w2", offer_id="of1", name="ZZZ offer", network="impact",
      attribution_window_hours="1")
    b("creatives", dup, "duplicate_creative_id", workspace_id="w2", creative_id="cr1", name="ZZZ creative",
      offer_id="of404")
    bad_message("m1", dup, "duplicate_message_id", sent_at="2026-10-08 09:30:00", campaign_id="k2", channel="email")
    bad_event("e2", dup, "duplicate_event_id", occurred_at="2026-10-08 10:30:00", event_type="clicked",
              click_id="ck-conflict")
    # an identical webhook retry
    bad_event("e1", "duplicate_exact", "duplicate_event_id", occurred_at="2026-10-08 09:00:05", event_type="delivered")
    # an older version of o1 (updated earlier, another price): the latest version wins
    bad_order("o1", dup, "superseded_order_version", created_at="2026-10-09 12:00:00",
              updated_at="2026-10-09 12:00:00", total_price="999.00")
    # an exact copy of o2 arriving twice
    b("shop_orders", "duplicate_exact", "superseded_order_version", workspace_id="w1", order_id="o2",
      shop_customer_id="s2", created_at="2026-10-10 10:30:00", updated_at="2026-10-10 10:30:00", currency="EUR",
      total_price="80.00", total_discounts="0.00", shared_link_id="l1")
    bad_refund("r1", dup, "duplicate_refund_id", refunded_at="2026-10-14 10:00:00", amount="20.00")
    b("coupons", dup, "duplicate_coupon", workspace_id="w1", code=" spring10", source_type="campaign",
      source_id="k1", generated_by_platform="false", distributed_at="2026-10-02 09:00:00")
    bad_postback("pb1", dup, "duplicate_conversion", conversion_id="cv1", payout="99.00",
                 received_at="2026-10-03 14:05:00", converted_at="2026-10-02 14:00:00")
    # a re-upload of i1 a week later
    bad_import("ix-reupload", "duplicate_exact", "duplicate_import", click_id="ck1", amount="5.00",
               conversion_date="2026-10-10", imported_at="2026-10-18 08:00:00", file_name="network_oct_corrected.csv")
    b("fx_rates", dup, "duplicate_rate", rate_date="2026-09-30", from_currency="USD", to_currency="EUR", rate="0.5")

    # ---------------------------------------------------------------- unknown enum values
    enum = "unknown_enum_value"
    bad_event("ex-bounced", enum, "unknown_event_type_value", event_type="bounced")
    b("contacts", enum, "unknown_channel_value", workspace_id="w1", contact_id="cx-telegram", created_at=ts,
      channel="telegram")
    bad_message("mx-ads", enum, "unknown_source_type_value", source_type="ads")
    bad_message("mx-fax", enum, "unknown_channel_value", channel="fax")
    bad_message("mx-promo", enum, "unknown_conversation_category_value", conversation_category="promo")
    b("campaigns", enum, "unknown_status_value", workspace_id="w1", campaign_id="kx-archived", name="archived",
      channel="sms", status="archived")
    b("flows", enum, "unknown_flow_type_value", workspace_id="w1", flow_id="fx-birthday", name="birthday",
      flow_type="birthday", channel="sms")
    b("coupons", enum, "unknown_source_type_value", workspace_id="w1", code="MAILCODE", source_type="email",
      source_id="k1", generated_by_platform="true", distributed_at=ts)
    b("shared_links", enum, "unknown_link_type_value", workspace_id="w1", link_id="lx-video", agent_id="a1",
      contact_id="c3", link_type="video", shared_at=ts)
    b("shared_links", enum, "unknown_channel_value", workspace_id="w1", link_id="lx-pigeon", agent_id="a1",
      contact_id="c3", link_type="product", channel="pigeon", shared_at=ts)
    b("offers", enum, "unknown_network_value", workspace_id="w2", offer_id="ofx-rakuten", name="rakuten",
      network="rakuten")
    bad_postback("pbx-cj", enum, "unknown_network_value", network="cj")
    b("workspaces", enum, "unknown_timezone", workspace_id="wx-mars", name="Mars shop", timezone="Mars/Olympus_Mons",
      currency="EUR", created_at="2025-01-01 00:00:00")
    b("workspaces", "null_required_value", "null_currency", workspace_id="wx-no-currency", name="no currency",
      timezone="UTC", created_at="2025-01-01 00:00:00")

    # ---------------------------------------------------------------- inconsistent values
    bad_order("ox-updated-before", "inconsistent_timestamps", "updated_before_created",
              updated_at="2026-10-10 09:00:00")
    b("flow_runs", "inconsistent_timestamps", "completed_before_started", workspace_id="w1",
      flow_run_id="fr-backwards", flow_id="f1", contact_id="c1", started_at=ts, completed_at="2026-10-10 09:00:00")

    # ---------------------------------------------------------------- quotes, emoji, long text in bad rows
    text = "text_quotes_emoji_long"
    b("campaigns", text, "unknown_status_value", workspace_id="w1", campaign_id='kx-"quoted", 🎉',
      name="x" * 10000, channel="sms", status='sent"; drop table campaigns; --')
    bad_event("ex-emoji-url", text, "unknown_message_id", message_id="m-💥",
              url="https://x.example/?q=" + "🙂" * 500)
    b("contacts", text, "unknown_channel_value", workspace_id="w1", contact_id="cx-long-" + "z" * 2000,
      created_at=ts, channel="carrier pigeon 🐦", email="o'hara+tag@example.com")

    # ---------------------------------------------------------------- whitespace
    b("coupons", "blank_id", "null_code", workspace_id="w1", code="", source_type="flow", source_id="f1",
      generated_by_platform="true", distributed_at=ts)


def add_holdouts(c: Corpus) -> None:
    """A campaign's and a flow's holdout split, and every way a split can be bad."""
    def row(contact_id, group, campaign_id="k1", flow_id=None, workspace_id="w1", assigned_at="2026-10-01 08:50:00"):
        return dict(workspace_id=workspace_id, campaign_id=campaign_id, flow_id=flow_id, contact_id=contact_id,
                    holdout_group=group, assigned_at=assigned_at)

    c.good("holdouts", **row("c1", "treatment"))
    c.good("holdouts", **row("c2", "control"))
    c.good("holdouts", **row("c3", "treatment", campaign_id=None, flow_id="f1"))
    b = c.bad
    b("holdouts", "null_id", "null_contact_id", **row(None, "control"))
    b("holdouts", "unknown_id", "unknown_workspace_id", **row("c1", "control", workspace_id="w9"))
    b("holdouts", "unknown_id", "unknown_contact_id", **row("c404", "control"))
    b("holdouts", "unknown_id", "unknown_campaign_id", **row("c1", "control", campaign_id="k404"))
    b("holdouts", "unknown_id", "unknown_flow_id", **row("c1", "control", campaign_id=None, flow_id="f404"))
    b("holdouts", "nonsense_value", "campaign_and_flow_both_or_neither", **row("c5", "control", flow_id="f1"))
    b("holdouts", "null_id", "campaign_and_flow_both_or_neither", **row("c5", "control", campaign_id=None))
    b("holdouts", "unknown_enum_value", "unknown_holdout_group_value", **row("c5", "exposed"))
    b("holdouts", "future_timestamp", "future_assigned_at", **row("c6", "control", assigned_at="2099-01-01 00:00:00"))
    # one contact in both groups of one send: neither row can be measured
    b("holdouts", "duplicate_conflicting", "contact_in_both_groups", **row("c7", "treatment"))
    b("holdouts", "duplicate_conflicting", "contact_in_both_groups", **row("c7", "control"))
    b("holdouts", "duplicate_exact", "duplicate_holdout", **row("c1", "treatment"))


def add_rows_the_corpus_found(c: Corpus) -> None:
    """Bad rows staging did not catch when the corpus was written, with the reasons proposed then."""
    ts = "2026-10-10 10:00:00"

    # text that does not cast to its column's type (it failed the whole build: dbt.safe_cast
    # was a plain cast on DuckDB)
    def uncastable(table, reason, row_key=None, **row):
        return c.bad(table, "uncastable_value", reason, row_key=row_key, **row)

    order = dict(workspace_id="w1", shop_customer_id="s1", created_at=ts, updated_at=ts, currency="EUR",
                 total_price="10.00", total_discounts="0.00")
    uncastable("shop_orders", "invalid_total_price", **{**order, "order_id": "ox-text-price", "total_price": "twelve"})
    uncastable("shop_orders", "invalid_total_price", **{**order, "order_id": "ox-comma-decimal",
                                                        "total_price": "12,50"})
    # more digits than decimal(18,2) holds
    uncastable("shop_orders", "invalid_total_price", **{**order, "order_id": "ox-overflow", "total_price": "1e20"})
    uncastable("shop_orders", "invalid_created_at", **{**order, "order_id": "ox-bad-date",
                                                       "created_at": "31/10/2026 10:00"})
    uncastable("shop_orders", "invalid_created_at", **{**order, "order_id": "ox-impossible-date",
                                                       "created_at": "2026-02-30 10:00:00"})
    uncastable("message_events", "invalid_occurred_at", workspace_id="w1", event_id="ex-bad-time", message_id="m1",
               event_type="read", occurred_at="yesterday")
    uncastable("attribution_settings", "invalid_window_days", workspace_id="w2",
               effective_from="2026-10-04 00:00:00", window_days="five")
    uncastable("coupons", "invalid_generated_by_platform", workspace_id="w1", code="MAYBE", source_type="campaign",
               source_id="k1", generated_by_platform="maybe", distributed_at=ts)
    uncastable("fx_rates", "invalid_rate_date", row_key="<null>|USD|EUR", rate_date="2026-13-01",
               from_currency="USD", to_currency="EUR", rate="0.9")
    uncastable("manual_revenue_imports", "invalid_conversion_date", workspace_id="w2", import_id="ix-bad-date",
               click_id="ck1", amount="1.00", conversion_date="10/09/2026", imported_at=ts, file_name="bad.csv")
    uncastable("messages", "invalid_segments", workspace_id="w1", message_id="mx-text-segments", contact_id="c1",
               source_type="campaign", campaign_id="k1", channel="sms", sent_at=ts, segments="two")

    order = dict(workspace_id="w1", shop_customer_id="s4", created_at=ts, updated_at=ts, currency="EUR",
                 total_price="10.00", total_discounts="0.00")
    # a whitespace-only id is a missing id (staging turns blank text into null)
    c.bad("shop_orders", "blank_id", "null_order_id", row_key="w1|<null>", **{**order, "order_id": "   "})
    c.bad("contacts", "blank_id", "null_contact_id", row_key="w1|<null>",
          workspace_id="w1", contact_id=" ", created_at=ts, channel="sms")
    # a version stamped 2099 would shadow every real update of the order
    c.bad("shop_orders", "future_timestamp", "future_updated_at",
          **{**order, "order_id": "ox-future-update", "updated_at": "2099-01-01 00:00:00"})
    c.bad("shop_orders", "inconsistent_timestamps", "cancelled_before_created",
          **{**order, "order_id": "ox-cancelled-before", "cancelled_at": "2026-10-01 00:00:00"})
    # a refund dated before its order, and one larger than the order
    c.bad("order_refunds", "inconsistent_timestamps", "refunded_before_order_created", workspace_id="w1",
          refund_id="rx-before-order", order_id="o1", refunded_at="2026-10-01 00:00:00", amount="1.00")
    c.bad("order_refunds", "absurd_amount", "refund_exceeds_order", workspace_id="w1", refund_id="rx-exceeds",
          order_id="o3", refunded_at=ts, amount="500.00")
    # a postback received before the conversion it reports
    c.bad("affiliate_postbacks", "inconsistent_timestamps", "received_before_converted", workspace_id="w2",
          postback_id="pbx-received-before", network="tune", click_id="ck404", conversion_id="cvx-received-before",
          payout="1.00", currency="USD", converted_at=ts, received_at="2026-10-01 00:00:00")


def add_values_a_cast_would_alter(c: Corpus) -> None:
    """Text an engine's cast would round, truncate or misread, and values no one could mean.

    DuckDB casts '5.5' to the integer 6 and '19.999' to 20.00, ignores a '+02:00' offset and
    drops the time of a date; each such row is rejected `invalid_<column>`, never staged
    altered (docs/contract.md#value-rules)."""
    ts = "2026-10-10 10:00:00"

    def inexact(table, reason, row_key=None, **row):
        return c.bad(table, "inexact_value", reason, row_key=row_key, **row)

    def nonsense(table, reason, row_key=None, **row):
        return c.bad(table, "nonsense_value", reason, row_key=row_key, **row)

    # a 5.5-day window would have become a 6-day window in force for every later order
    inexact("attribution_settings", "invalid_window_days", workspace_id="w2",
            effective_from="2026-10-05 00:00:00", window_days="5.5")
    order = dict(workspace_id="w1", shop_customer_id="s1", created_at=ts, updated_at=ts, currency="EUR",
                 total_price="10.00", total_discounts="0.00")
    inexact("shop_orders", "invalid_total_price", **{**order, "order_id": "ox-third-decimal", "total_price": "19.999"})
    inexact("shop_orders", "invalid_created_at", **{**order, "order_id": "ox-offset",
                                                    "created_at": "2026-10-10 10:00:00+02:00"})
    inexact("message_events", "invalid_occurred_at", workspace_id="w1", event_id="ex-nanoseconds", message_id="m1",
            event_type="read", occurred_at="2026-10-10 10:00:00.1234567")
    inexact("manual_revenue_imports", "invalid_conversion_date", workspace_id="w2", import_id="ix-date-with-time",
            click_id="ck1", amount="1.00", conversion_date="2026-10-09 10:00:00", imported_at=ts, file_name="bad.csv")
    inexact("coupons", "invalid_generated_by_platform", workspace_id="w1", code="TWO", source_type="campaign",
            source_id="k1", generated_by_platform="2", distributed_at=ts)
    inexact("messages", "invalid_segments", workspace_id="w1", message_id="mx-half-segment", contact_id="c1",
            source_type="campaign", campaign_id="k1", channel="sms", sent_at=ts, segments="1.5")
    inexact("fx_rates", "invalid_rate", rate_date="2026-10-05", from_currency="USD", to_currency="EUR", rate="nan")
    inexact("fx_rates", "invalid_rate", rate_date="2026-10-06", from_currency="USD", to_currency="EUR", rate="1e400")
    inexact("offers", "invalid_attribution_window_hours", workspace_id="w2", offer_id="ofx-hex-window",
            name="hex window", network="tune", attribution_window_hours="0x10")

    nonsense("attribution_settings", "window_days_out_of_range", workspace_id="w2",
             effective_from="2026-10-06 00:00:00", window_days="0")
    nonsense("messages", "non_positive_segments", workspace_id="w1", message_id="mx-zero-segments", contact_id="c1",
             source_type="campaign", campaign_id="k1", channel="sms", sent_at=ts, segments="0")
    nonsense("offers", "non_positive_attribution_window_hours", workspace_id="w2", offer_id="ofx-zero-window",
             name="zero window", network="tune", attribution_window_hours="0")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE, help="corpus directory")
    args = parser.parse_args(argv)
    corpus = build()
    corpus.write(args.out)
    counts = {part: sum(len(rows) for rows in tables.values()) for part, tables in corpus.rows.items()}
    print(f"wrote {args.out}: {counts} rows, {len(corpus.expected)} expected rejections")
    return 0


if __name__ == "__main__":
    sys.exit(main())
