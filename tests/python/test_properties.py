"""Property-based tests (hypothesis): random small raw data sets keep the invariants of the marts.

Each example draws two to four independent shops (ids are unique only within a workspace,
so the same id strings are reused in every one): contacts and customers sharing e-mails
and phones in several spellings, identity links, campaign, flow and helpdesk messages with
events at random instants (a coarse grid, so that ties, touches exactly at the window edge
and touches in the order's very second are common), shared links, coupons, orders with
random codes, links, currencies, cancellations and refunds, and settings changes. The data
set is written as Parquet or CSV to a temporary raw_path and built with dbt once
(`+fct_order_attribution +dq_rejected_rows`, with their data tests); `fct_order_attribution` is then rebuilt with
var `last_touch_impl: portable`. Checked:

* one row per staged order, and every raw order is attributed or rejected;
* gross revenue reconciles with the staged orders, per workspace;
* an order is credited to at most one source, named consistently;
* a touch never lies after its order or outside its window, and it is the latest eligible
  touch (an oracle written here in Python, with its own stitching), with the rules in
  precedence order (link, last touch, then coupon or unattributed);
* the DuckDB (ASOF) and portable last-touch paths give identical rows.

A dbt build costs tens of seconds, so there are few examples and no shrinking: two curated
data sets that between them reach every rule (link, last touch, coupon, unattributed; one
written as CSV), and drawn ones, biased toward stitched contacts with touches: one, the same
every run, by default; six, new every run, with HYPOTHESIS_PROFILE=ci (.ci/run). A failing
example's raw files are kept and their path is in the failure message.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from msgwh.contract import RAW_TABLES, columns
from msgwh.phones import normalize_phone
from tests.conftest import query, run_dbt

pytestmark = pytest.mark.dbt

START = datetime(2026, 10, 1)
DQ_AS_OF = "2026-11-01 00:00:00"
TOUCH_TYPES = ("read", "clicked", "quick_reply", "cta_click")
EVENT_TYPES = ("delivered", "read", "clicked", "quick_reply", "cta_click", "failed")
EMAILS = ("ann@example.com", " ANN@Example.com ", "bob@example.com", "cy@example.org", None)
PHONES = (("+49 151 23456789", "DE"), ("0151 23456789", "DE"), ("+1 415 555 2671", "US"), ("12345", "DE"), None)
TIMEZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")
CODES = ("SAVE10", "WELCOME")
COUPON_SOURCES = (("campaign", "k1"), ("campaign", "k2"), ("flow", "f1"), ("popup", "p1"))
FX = (("EUR", "USD", "1.10"), ("USD", "EUR", "0.91"))


def _ts(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else None


# a coarse grid over two weeks: whole days, three hours a day, and the second after
instants = st.builds(
    lambda day, hour, second: START + timedelta(days=day, hours=hour, seconds=second),
    st.integers(0, 13), st.sampled_from([0, 9, 18]), st.sampled_from([0, 0, 0, 1]),
)


def _add_catalog(rows: dict[str, list[dict]]) -> None:
    """The sources every shop has: campaigns k1 and k2, flow f1, agent a1, popup p1."""
    for campaign in ("k1", "k2"):
        rows["campaigns"].append({"campaign_id": campaign, "name": campaign, "channel": "sms",
                                  "published_at": _ts(START), "status": "sent"})
    rows["flows"].append({"flow_id": "f1", "name": "f1", "flow_type": "welcome", "channel": "email",
                          "created_at": _ts(START - timedelta(days=30)), "status": "live"})
    rows["agents"].append({"agent_id": "a1", "name": "agent", "team": "t"})
    rows["popups"].append({"popup_id": "p1", "name": "popup", "created_at": _ts(START - timedelta(days=30))})


@st.composite
def shops(draw) -> dict[str, list[dict]]:
    """One workspace's raw rows, with `workspace_id` left to the caller."""
    rows: dict[str, list[dict]] = defaultdict(list)
    currency = draw(st.sampled_from(["EUR", "USD"]))
    rows["workspaces"].append({"name": "shop", "timezone": draw(st.sampled_from(TIMEZONES)), "currency": currency,
                               "created_at": _ts(START - timedelta(days=60))})
    for _ in range(draw(st.integers(0, 2))):
        rows["attribution_settings"].append({
            "effective_from": _ts(draw(instants)), "window_days": draw(st.sampled_from([1, 2, 5])),
            "coupon_attribution_enabled": draw(st.booleans()),
        })
    rows["attribution_settings"] = list({r["effective_from"]: r for r in rows["attribution_settings"]}.values())

    n_contacts = draw(st.integers(1, 5))
    for number in range(n_contacts):
        phone = draw(st.sampled_from(PHONES))
        rows["contacts"].append({
            "contact_id": f"c{number}", "created_at": _ts(START - timedelta(days=30)),
            "channel": draw(st.sampled_from(["whatsapp", "sms", "email"])), "email": draw(st.sampled_from(EMAILS)),
            "phone": phone[0] if phone else None, "country_code": phone[1] if phone else "DE",
        })
    n_customers = draw(st.integers(1, 4))  # biased toward stitched orders (guest orders stay common)
    for number in range(n_customers):
        phone = draw(st.sampled_from(PHONES))
        rows["shop_customers"].append({
            "shop_customer_id": f"s{number}", "created_at": _ts(START - timedelta(days=30)),
            "email": draw(st.sampled_from(EMAILS)), "phone": phone[0] if phone else None,
            "country_code": phone[1] if phone else "US",
        })
    if n_customers:
        pairs = draw(st.sets(st.tuples(st.integers(0, n_contacts - 1), st.integers(0, n_customers - 1)),
                             min_size=1, max_size=2))
        for contact, customer in sorted(pairs):
            rows["identity_links"].append({"contact_id": f"c{contact}", "shop_customer_id": f"s{customer}",
                                           "linked_at": _ts(draw(instants)), "method": "login"})

    _add_catalog(rows)

    event_number = 0
    # every shop has messages and every message events: touches are the common case
    for number in range(draw(st.integers(1, 8))):
        source_type = draw(st.sampled_from(["campaign", "campaign", "flow", "helpdesk"]))
        message = {"message_id": f"m{number}", "contact_id": f"c{draw(st.integers(0, n_contacts - 1))}",
                   "source_type": source_type, "channel": "sms", "conversation_category": "marketing",
                   "sent_at": _ts(draw(instants))}
        message.update({"campaign": {"campaign_id": draw(st.sampled_from(["k1", "k2"]))},
                        "flow": {"flow_id": "f1"}, "helpdesk": {"agent_id": "a1"}}[source_type])
        rows["messages"].append(message)
        for _ in range(draw(st.integers(1, 3))):
            event_number += 1
            event_type = draw(st.sampled_from((*TOUCH_TYPES, *EVENT_TYPES)))
            # ids of different lengths, so that text order differs from numeric order
            rows["message_events"].append({
                "event_id": f"e{draw(st.sampled_from(['', '9', '10']))}x{event_number}",
                "message_id": message["message_id"], "event_type": event_type,
                "occurred_at": _ts(draw(instants)),
                "click_id": f"ck{event_number}" if event_type == "clicked" else None,
            })

    for number in range(draw(st.integers(0, 2))):
        rows["shared_links"].append({
            "link_id": f"l{number}", "agent_id": "a1", "contact_id": f"c{draw(st.integers(0, n_contacts - 1))}",
            "conversation_id": "cv", "link_type": "checkout", "channel": "whatsapp", "shared_at": _ts(draw(instants)),
        })
    coupons = {}
    for code in draw(st.sets(st.sampled_from(CODES))):
        source_type, source_id = draw(st.sampled_from(COUPON_SOURCES))
        contact = draw(st.one_of(st.none(), st.integers(0, n_contacts - 1)))
        coupons[code] = {"code": code, "source_type": source_type, "source_id": source_id,
                         "generated_by_platform": draw(st.booleans()),
                         "contact_id": None if contact is None else f"c{contact}",
                         "distributed_at": _ts(draw(instants))}
    rows["coupons"] = list(coupons.values())

    for number in range(draw(st.integers(1, 6))):
        created_at = draw(instants)
        guest = n_customers == 0 or draw(st.booleans())
        phone = draw(st.sampled_from(PHONES)) if guest else None
        price = draw(st.decimals(Decimal("0"), Decimal("300"), places=2))
        codes = draw(st.lists(st.sampled_from([c.lower() for c in CODES] + list(CODES) + ["OTHER"]), max_size=2))
        order = {
            "order_id": f"o{number}",
            "shop_customer_id": None if guest else f"s{draw(st.integers(0, n_customers - 1))}",
            "email": draw(st.sampled_from(EMAILS)) if guest else None, "phone": phone[0] if phone else None,
            "created_at": _ts(created_at), "updated_at": _ts(created_at),
            "currency": draw(st.sampled_from([currency, currency, "EUR", "USD"])),
            "total_price": str(price), "total_discounts": "0.00",
            "discount_codes": " , ".join(codes) if codes else None,
            "shared_link_id": draw(st.sampled_from([None, None, "l0", "l1", "l9"])),
        }
        rows["shop_orders"].append(order)
        if draw(st.integers(0, 4)) == 0:  # an update that cancels the order
            later = created_at + timedelta(hours=1)
            rows["shop_orders"].append({**order, "updated_at": _ts(later), "cancelled_at": _ts(later)})
        if price > 1 and draw(st.integers(0, 4)) == 0:
            rows["order_refunds"].append({"refund_id": f"r{number}", "order_id": f"o{number}",
                                          "refunded_at": _ts(created_at + timedelta(days=1)), "amount": "1.00"})
    return rows


# (shops, file format, the rules the data set must reach: none for a drawn one)
datasets = st.tuples(st.lists(shops(), min_size=2, max_size=4), st.sampled_from(["parquet", "csv"]), st.just(set()))


# --------------------------------------------------------------------------------------
# Curated examples: a shop for each rule, written to reach it (drawn ones may not); two
# data sets of two shops each (with the same ids), one of them CSV. The test checks that
# each reaches its rules.
# --------------------------------------------------------------------------------------

ORDER_AT = START + timedelta(days=10, hours=9)


def _shop(**tables: list[dict]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = defaultdict(list)
    rows["workspaces"].append({"name": "shop", "timezone": "Europe/Berlin", "currency": "EUR",
                               "created_at": _ts(START - timedelta(days=60))})
    _add_catalog(rows)
    for table, table_rows in tables.items():
        rows[table].extend(table_rows)
    return rows


def _order(order_id: str, **fields) -> dict:
    return {"order_id": order_id, "shop_customer_id": None, "email": None, "phone": None, "created_at": _ts(ORDER_AT),
            "updated_at": _ts(ORDER_AT), "currency": "EUR", "total_price": "50.00", "total_discounts": "0.00",
            "discount_codes": None, "shared_link_id": None, **fields}


def _message(message_id: str, source_type: str = "campaign", source_id: str = "k1") -> dict:
    source_column = {"campaign": "campaign_id", "flow": "flow_id"}[source_type]
    return {"message_id": message_id, "contact_id": "c0", "source_type": source_type, source_column: source_id,
            "channel": "sms", "conversation_category": "marketing", "sent_at": _ts(ORDER_AT - timedelta(days=7))}


def _event(event_id: str, message_id: str, event_type: str, before_order: timedelta) -> dict:
    return {"event_id": event_id, "message_id": message_id, "event_type": event_type,
            "occurred_at": _ts(ORDER_AT - before_order)}


def _contact(**fields) -> dict:
    return {"contact_id": "c0", "created_at": _ts(START - timedelta(days=30)), "channel": "sms", "email": None,
            "phone": None, "country_code": "DE", **fields}


def _customer(**fields) -> dict:
    return {"shop_customer_id": "s0", "created_at": _ts(START - timedelta(days=30)), "email": None, "phone": None,
            "country_code": "DE", **fields}


def _coupon(code: str, source_type: str, source_id: str, contact_id: str | None = None) -> dict:
    return {"code": code, "source_type": source_type, "source_id": source_id, "generated_by_platform": True,
            "contact_id": contact_id, "distributed_at": _ts(START + timedelta(days=1))}


# link: the order came through the agent's link, although its customer (stitched by an
# e-mail spelt differently) read a campaign an hour before it
LINK_SHOP = _shop(
    contacts=[_contact(email="ann@example.com")],
    shop_customers=[_customer(email=" ANN@Example.com ")],
    messages=[_message("m0")],
    message_events=[_event("e1", "m0", "read", timedelta(hours=1))],
    shared_links=[{"link_id": "l0", "agent_id": "a1", "contact_id": "c0", "conversation_id": "cv",
                   "link_type": "checkout", "channel": "whatsapp", "shared_at": _ts(ORDER_AT - timedelta(days=1))}],
    shop_orders=[_order("o0", shop_customer_id="s0", shared_link_id="l0"),
                 _order("o1", shop_customer_id="s0", shared_link_id="l9")],
)
# last touch: a customer stitched by phone in two spellings; a 1-day window whose edge the
# click sits on (inclusive), a later `delivered` (not a touch), a read after the order
LAST_TOUCH_SHOP = _shop(
    attribution_settings=[{"effective_from": _ts(START), "window_days": 1, "coupon_attribution_enabled": True}],
    contacts=[_contact(phone="+49 151 23456789")],
    shop_customers=[_customer(phone="0151 23456789")],
    messages=[_message("m0"), _message("m1", "flow", "f1")],
    message_events=[_event("e1", "m0", "read", timedelta(days=2)), _event("e2", "m0", "clicked", timedelta(days=1)),
                    _event("e3", "m0", "delivered", timedelta(hours=1)),
                    _event("e4", "m1", "read", timedelta(hours=-1))],
    shop_orders=[_order("o0", shop_customer_id="s0")],
)
# coupon: a guest nobody is stitched to pays with a campaign's platform code (spelt
# otherwise, beside another code); a stitched guest with a popup's one-per-contact code
COUPON_SHOP = _shop(
    contacts=[_contact(email="bob@example.com")],
    coupons=[_coupon("SAVE10", "campaign", "k1"), _coupon("WELCOME", "popup", "p1", "c0")],
    shop_orders=[_order("o0", email="ann@example.com", discount_codes=" save10 , OTHER"),
                 _order("o1", email="bob@example.com", discount_codes="WELCOME")],
)
# unattributed: a linked customer whose only touch is six days old (window 5): no touch in
# window; a guest with an unparseable phone and a code while coupons are off: not stitched
UNATTRIBUTED_SHOP = _shop(
    attribution_settings=[{"effective_from": _ts(START), "window_days": 5, "coupon_attribution_enabled": False}],
    contacts=[_contact(email="ann@example.com")],
    shop_customers=[_customer(email="cy@example.org")],
    identity_links=[{"contact_id": "c0", "shop_customer_id": "s0", "linked_at": _ts(START), "method": "login"}],
    messages=[_message("m0")],
    message_events=[_event("e1", "m0", "read", timedelta(days=6))],
    coupons=[_coupon("SAVE10", "campaign", "k1")],
    shop_orders=[_order("o0", shop_customer_id="s0"), _order("o1", phone="12345", discount_codes="SAVE10")],
)


def write_raw(raw: Path, shop_list: list[dict[str, list[dict]]], fmt: str) -> dict[str, list[dict]]:
    """Every contract table as one file; returns the rows written, with workspace ids."""
    tables: dict[str, list[dict]] = {table: [] for table in RAW_TABLES}
    for number, shop in enumerate(shop_list, start=1):
        for table, rows in shop.items():
            tables[table].extend({"workspace_id": f"w{number}", **row} for row in rows)
    for rate_from, rate_to, rate in FX:
        tables["fx_rates"].append({"rate_date": "2026-09-01", "from_currency": rate_from, "to_currency": rate_to,
                                   "rate": rate})
    raw.mkdir(parents=True, exist_ok=True)
    for table in RAW_TABLES:
        names = columns(table)
        frame = pd.DataFrame([{name: row.get(name) for name in names} for row in tables[table]], columns=names)
        frame = frame.astype(object).where(frame.notna(), None).map(lambda v: v if v is None else str(v).lower()
                                                                    if isinstance(v, bool) else str(v))
        if fmt == "parquet":
            with duckdb.connect() as conn:
                conn.register("frame", frame)
                select = ", ".join(f'cast("{name}" as varchar) as "{name}"' for name in names)
                conn.execute(f"copy (select {select} from frame) to '{raw / table}.parquet' (format parquet)")
        else:
            frame.to_csv(raw / f"{table}.csv", index=False)
    return tables


# --------------------------------------------------------------------------------------
# The oracle: docs/attribution.md#identity-stitching and docs/attribution.md#order-attribution-rules
# in Python, for the rules it can decide exactly
# --------------------------------------------------------------------------------------


def _email(value):
    value = (value or "").strip().lower()
    return value if value.count("@") == 1 and "." in value.split("@")[1] and " " not in value else None


def expected_credits(tables: dict[str, list[dict]]) -> dict[tuple[str, str], dict]:
    """Per usable order: stitched contacts, whether the link rule applies, the last touch in window."""
    by_ws = defaultdict(lambda: defaultdict(list))
    for table, rows in tables.items():
        for row in rows:
            if "workspace_id" in row:
                by_ws[row["workspace_id"]][table].append(row)
    result = {}
    for ws, data in by_ws.items():
        contacts = {c["contact_id"]: (_email(c["email"]), normalize_phone(c["phone"], c["country_code"]))
                    for c in data["contacts"]}
        customers = {s["shop_customer_id"]: (_email(s["email"]), normalize_phone(s["phone"], s["country_code"]),
                                             s["country_code"]) for s in data["shop_customers"]}
        links = {(link["contact_id"], link["shop_customer_id"]) for link in data["identity_links"]}

        def matches(email, phone):
            return {cid for cid, (c_email, c_phone) in contacts.items()
                    if (email and email == c_email) or (phone and phone == c_phone)}

        stitched_to_customer = {
            sid: matches(email, phone) | {cid for cid, linked in links if linked == sid}
            for sid, (email, phone, _) in customers.items()
        }
        settings_rows = sorted(data["attribution_settings"], key=lambda r: r["effective_from"])
        shared = {link["link_id"]: link for link in data["shared_links"]}
        messages = {m["message_id"]: m for m in data["messages"]}
        touches = [
            (e["occurred_at"], e["event_id"], messages[e["message_id"]]["contact_id"])
            for e in data["message_events"]
            if e["event_type"] in TOUCH_TYPES and messages[e["message_id"]]["source_type"] in ("campaign", "flow")
        ]
        # the latest version of each order is the one staged
        orders = {}
        for order in data["shop_orders"]:
            orders[order["order_id"]] = order
        for oid, order in orders.items():
            created = order["created_at"]
            if order["shop_customer_id"]:
                stitched = stitched_to_customer[order["shop_customer_id"]]
            else:
                stitched = matches(_email(order["email"]), normalize_phone(order["phone"], None))
            in_force = [r for r in settings_rows if r["effective_from"] <= created]
            window = in_force[-1]["window_days"] if in_force else 5
            low = _ts(datetime.fromisoformat(created) - timedelta(days=window))
            eligible = [t for t in touches if t[2] in stitched and low <= t[0] <= created]
            link = shared.get(order["shared_link_id"])
            result[(ws, oid)] = {
                "stitched": len(stitched),
                "window_days": window,
                "link": link is not None and link["shared_at"] <= created,
                "touch": max(eligible)[1] if eligible else None,
            }
    return result


# --------------------------------------------------------------------------------------
# The property
# --------------------------------------------------------------------------------------

CHECK_SQL = {
    "credited_to_one_source": """
        select order_id from marts.fct_order_attribution
        where (case when campaign_id is not null then 1 else 0 end + case when flow_id is not null then 1 else 0 end
               + case when agent_id is not null then 1 else 0 end + case when popup_id is not null then 1 else 0 end)
              != case when is_attributed then 1 else 0 end
           or (is_attributed and source_id != coalesce(campaign_id, flow_id, agent_id, popup_id))
           or (is_attributed and source_type != case when campaign_id is not null then 'campaign'
                                                     when flow_id is not null then 'flow'
                                                     when agent_id is not null then 'helpdesk' else 'popup' end)
           or (not is_attributed and (source_id is not null or attribution_method is not null))
    """,
    "touch_inside_window": """
        select order_id from marts.fct_order_attribution
        where touch_at is not null and (touch_at > created_at
                                        or touch_at < created_at - to_hours(24 * window_days)
                                        or attribution_method != 'last_touch')
    """,
}


# The test's hypothesis profile, chosen by the environment variable HYPOTHESIS_PROFILE: by
# default the curated examples and 1 drawn data set, the same every run (fast); `ci`
# (.ci/run) the curated examples and 6 drawn data sets, new ones every run (a failure
# prints the blob that reproduces it, and keeps its raw files). No shrinking: a build
# costs tens of seconds.
_COMMON = {
    "deadline": None,
    "phases": (Phase.explicit, Phase.generate),
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
}
PROFILES = {
    "default": settings(max_examples=1, derandomize=True, **_COMMON),
    "ci": settings(max_examples=6, derandomize=False, print_blob=True, **_COMMON),
}
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
if PROFILE not in PROFILES:
    raise ValueError(f"HYPOTHESIS_PROFILE={PROFILE!r}: test_properties knows {sorted(PROFILES)}")


@PROFILES[PROFILE]
@given(datasets)
@example(([LINK_SHOP, COUPON_SHOP], "csv", {"link", "coupon"}))
@example(([LAST_TOUCH_SHOP, UNATTRIBUTED_SHOP], "parquet", {"last_touch", "unattributed"}))
def test_marts_keep_their_invariants(dataset):
    shop_list, fmt, rules = dataset
    workdir = Path(tempfile.mkdtemp(prefix="msgwh_properties_"))
    raw = workdir / "raw"
    tables = write_raw(raw, shop_list, fmt)
    context = f"(raw data kept in {raw})"
    base_vars = {"raw_path": str(raw), "dq_as_of": DQ_AS_OF}
    run_dbt(["build", "--select", "+fct_order_attribution", "+dq_rejected_rows", "--indirect-selection", "cautious",
             "--exclude-resource-type", "unit_test", "seed",
             "--vars", json.dumps(base_vars)], workdir)
    db = workdir / "warehouse.duckdb"

    # one row per staged order; every raw order attributed or rejected
    staged = set(query(db, "select workspace_id, order_id from staging.stg_raw__shop_orders"))
    attributed = query(db, "select workspace_id, order_id from marts.fct_order_attribution")
    assert len(attributed) == len(set(attributed)) and set(attributed) == staged, context
    rejected = query(db, "select count(*) from marts.dq_rejected_rows "
                         "where source_table = 'shop_orders' and disposition = 'rejected'")[0][0]
    assert len(attributed) + rejected == len(tables["shop_orders"]), context

    # gross revenue reconciles with the staged orders, per workspace
    revenue = query(db, """
        select staged.workspace_id, staged.gross, coalesce(mart.gross, 0)
        from (select workspace_id, sum(gross_revenue) as gross from staging.stg_raw__shop_orders group by 1) as staged
        left join (select workspace_id, sum(gross_revenue) as gross from marts.fct_order_attribution group by 1) as mart
            on staged.workspace_id = mart.workspace_id
    """)
    assert all(staged_gross == mart_gross for _, staged_gross, mart_gross in revenue), (revenue, context)
    assert query(db, "select count(*) from marts.fct_order_attribution "
                     "where net_revenue < 0 or net_revenue > gross_revenue") == [(0,)], context

    for name, sql in CHECK_SQL.items():
        assert query(db, sql) == [], f"{name} {context}"

    # the rules against the Python oracle
    expected = expected_credits(tables)
    rows = query(db, "select workspace_id, order_id, stitched_contacts, window_days, attribution_method, "
                     "touch_event_id, unattributed_reason from marts.fct_order_attribution")
    for ws, oid, stitched, window, method, touch, reason in rows:
        want = expected[(ws, oid)]
        where = f"{ws}/{oid} {context}"
        assert (stitched, window) == (want["stitched"], want["window_days"]), where
        if want["link"]:
            assert method == "link", where
        elif want["touch"]:
            assert (method, touch) == ("last_touch", want["touch"]), where
        else:
            assert method in ("coupon", None), where
            if method is None:
                assert reason == ("not_stitched" if want["stitched"] == 0 else "no_touch_in_window"), where
    # a curated example reaches the rules it was written for
    reached = {row[4] for row in rows}
    if {"not_stitched", "no_touch_in_window"} <= {row[6] for row in rows}:
        reached.add("unattributed")
    assert rules <= reached, (rules - reached, context)

    # the DuckDB and portable last-touch paths agree
    def mart_rows():
        return query(db, "select * from marts.fct_order_attribution order by all")

    dispatch_rows = mart_rows()
    compiled = workdir / "target" / "compiled" / "msgwh" / "models" / "intermediate" / "attribution"
    assert "asof inner join" in (compiled / "int_orders_matched_to_last_touch.sql").read_text().lower()
    run_dbt(["run", "--select", "int_orders_matched_to_last_touch", "fct_order_attribution",
             "--vars", json.dumps({**base_vars, "last_touch_impl": "portable"})], workdir)
    assert "asof inner join" not in (compiled / "int_orders_matched_to_last_touch.sql").read_text().lower()
    assert mart_rows() == dispatch_rows, context

    shutil.rmtree(workdir, ignore_errors=True)  # kept only when an assertion failed
