"""The two implementations of the last-touch search return identical rows.

`macros/attribution/last_touch.sql` has a DuckDB path (an ASOF join) and a portable
`default__` path (a running max over one timeline per contact). This test writes a
small raw data set to CSV files (ties in the same second, touches exactly at the window
edges and at the order's second, a heavy contact, multi-contact customers, guest orders,
helpdesk and delivered events that must not count, two workspaces sharing ids), builds
`int_orders_matched_to_last_touch` with each path (var `last_touch_impl`), and asserts
that both equal each other and a brute-force range join written independently here.
"""

from __future__ import annotations

import csv
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from msgwh.contract import RAW_TABLES
from tests.conftest import query, run_dbt

pytestmark = pytest.mark.dbt

MODEL = "int_orders_matched_to_last_touch"
COLUMNS = (
    "workspace_id, order_id, contact_id, event_id, message_id, event_type, source_type, "
    "campaign_id, flow_id, channel, window_days, is_within_window, touch_at, created_at"
)
START = datetime(2025, 3, 1)
EVENT_TYPES = ["delivered", "read", "clicked", "quick_reply", "cta_click", "failed"]
TOUCH_TYPES = ("read", "clicked", "quick_reply", "cta_click")


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _write_raw(raw: Path, rows: dict[str, list[dict]]) -> None:
    """One CSV per raw table of the contract; tables not in `rows` get a header only."""
    raw.mkdir(parents=True, exist_ok=True)
    for table, columns in RAW_TABLES.items():
        names = [name for name, _ in columns]
        with open(raw / f"{table}.csv", "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=names)
            writer.writeheader()
            for row in rows.get(table, []):
                writer.writerow({name: row.get(name) for name in names})


def _dataset(seed: int = 7) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    rows: dict[str, list[dict]] = {table: [] for table in RAW_TABLES}
    for workspace in ("ws1", "ws2"):
        rows["workspaces"].append(
            {"workspace_id": workspace, "name": workspace, "timezone": "Europe/Berlin", "currency": "EUR",
             "created_at": _ts(START - timedelta(days=30))}
        )
        rows["agents"].append({"workspace_id": workspace, "agent_id": "a1", "name": "Agent", "team": "t"})
        for number in range(3):
            rows["campaigns"].append(
                {"workspace_id": workspace, "campaign_id": f"k{number}", "name": f"k{number}", "channel": "sms",
                 "published_at": _ts(START), "status": "sent"}
            )
            rows["flows"].append(
                {"workspace_id": workspace, "flow_id": f"f{number}", "name": f"f{number}", "flow_type": "welcome",
                 "channel": "email", "created_at": _ts(START), "status": "live"}
            )
        # contacts c0..c29 share e-mails in pairs (two contacts per customer), c0 is the heavy one
        for number in range(30):
            rows["contacts"].append(
                {"workspace_id": workspace, "contact_id": f"c{number}", "created_at": _ts(START),
                 "channel": "whatsapp" if number % 2 else "email", "email": f"p{number // 2}@example.com",
                 "country_code": "DE"}
            )
        for number in range(15):
            rows["shop_customers"].append(
                {"workspace_id": workspace, "shop_customer_id": f"s{number}", "created_at": _ts(START),
                 "email": f"p{number}@example.com", "country_code": "DE"}
            )
    rows["attribution_settings"].append(
        {"workspace_id": "ws1", "effective_from": _ts(START + timedelta(days=10)), "window_days": 2,
         "coupon_attribution_enabled": "true"}
    )

    # the instants events and orders are drawn from: few enough that seconds collide
    instants = [START + timedelta(days=1, seconds=rng.randrange(0, 20 * 86400, 3600)) for _ in range(300)]
    event_number = 0
    for workspace in ("ws1", "ws2"):
        for message_number in range(250):
            contact = 0 if message_number < 60 else rng.randrange(30)
            source_type = rng.choice(["campaign", "campaign", "flow", "helpdesk"])
            if message_number == 0:
                source_type = "campaign"  # the message of the window-edge touches below
            message = {
                "workspace_id": workspace, "message_id": f"m{message_number}", "contact_id": f"c{contact}",
                "source_type": source_type, "channel": "sms", "conversation_category": "marketing",
                "sent_at": _ts(START),
            }
            if source_type == "campaign":
                message["campaign_id"] = f"k{rng.randrange(3)}"
            elif source_type == "flow":
                message["flow_id"] = f"f{rng.randrange(3)}"
            else:
                message["agent_id"] = "a1"
            rows["messages"].append(message)
            for _ in range(rng.randrange(1, 12)):
                event_number += 1
                rows["message_events"].append(
                    # ids of different lengths, so that text order differs from numeric order
                    {"workspace_id": workspace,
                     "event_id": f"e{rng.randrange(10 ** rng.randrange(1, 5))}x{event_number}",
                     "message_id": f"m{message_number}", "event_type": rng.choice(EVENT_TYPES),
                     "occurred_at": _ts(rng.choice(instants))}
                )
        for order_number in range(200):
            created_at = rng.choice(instants) + timedelta(seconds=rng.choice([0, 0, 1, -1, 1800]))
            if order_number % 5 == 0:
                # a guest order, stitched through its own e-mail (or not at all)
                customer, email = None, f"p{rng.randrange(20)}@example.com"
            else:
                customer, email = f"s{rng.randrange(15)}", None
            rows["shop_orders"].append(
                {"workspace_id": workspace, "order_id": f"o{order_number}", "shop_customer_id": customer,
                 "email": email, "created_at": _ts(created_at), "updated_at": _ts(created_at),
                 "currency": "EUR", "total_price": "10.00", "total_discounts": "0.00"}
            )
    # window edges: exactly 2 days (ws1 after the settings change) and 5 days before an order,
    # and one second outside; a touch in the order's very second
    edge_order = START + timedelta(days=15)
    for offset, suffix in ((timedelta(days=2), "a"), (timedelta(days=2, seconds=1), "b"), (timedelta(0), "c")):
        rows["message_events"].append(
            {"workspace_id": "ws1", "event_id": f"edge{suffix}", "message_id": "m0", "event_type": "read",
             "occurred_at": _ts(edge_order - offset)}
        )
    rows["shop_orders"].append(
        {"workspace_id": "ws1", "order_id": "edge", "shop_customer_id": "s0", "created_at": _ts(edge_order),
         "updated_at": _ts(edge_order), "currency": "EUR", "total_price": "10.00", "total_discounts": "0.00"}
    )
    return rows


BRUTE_FORCE = f"""
with touches as (
    select events.workspace_id, events.event_id, events.occurred_at, messages.contact_id
    from staging.stg_raw__message_events as events
    inner join staging.stg_raw__messages as messages
        on events.workspace_id = messages.workspace_id and events.message_id = messages.message_id
    where events.event_type in {TOUCH_TYPES} and messages.source_type in ('campaign', 'flow')
),
candidates as (
    select
        stitched.workspace_id, stitched.order_id, touches.contact_id, touches.event_id, touches.occurred_at,
        row_number() over (
            partition by stitched.workspace_id, stitched.order_id
            order by touches.occurred_at desc, touches.event_id desc
        ) as rank_in_order
    from intermediate.int_orders_stitched_to_contacts as stitched
    inner join touches
        on stitched.workspace_id = touches.workspace_id
        and stitched.contact_id = touches.contact_id
        and touches.occurred_at <= stitched.created_at
)
select workspace_id, order_id, contact_id, event_id, occurred_at
from candidates where rank_in_order = 1
order by workspace_id, order_id
"""


def _last_touch_rows(db_path: Path) -> list[tuple]:
    return query(db_path, f"select {COLUMNS} from intermediate.{MODEL} order by workspace_id, order_id")


def test_asof_and_portable_last_touch_agree(tmp_path: Path):
    raw = tmp_path / "raw"
    _write_raw(raw, _dataset())
    db_path = tmp_path / "warehouse.duckdb"

    dispatch_vars = json.dumps({"raw_path": str(raw)})
    run_dbt(["run", "--select", f"+{MODEL}", "--vars", dispatch_vars], tmp_path)
    compiled = tmp_path / "target" / "compiled" / "msgwh" / "models" / "intermediate" / "attribution"
    compiled = compiled / f"{MODEL}.sql"
    assert "asof inner join" in compiled.read_text().lower(), "DuckDB must take the ASOF path"
    asof_rows = _last_touch_rows(db_path)

    portable_vars = json.dumps({"raw_path": str(raw), "last_touch_impl": "portable"})
    run_dbt(["run", "--select", MODEL, "--vars", portable_vars], tmp_path)
    assert "asof inner join" not in compiled.read_text().lower(), "last_touch_impl=portable must take default__"
    portable_rows = _last_touch_rows(db_path)

    # the data set exercises what it is meant to
    orders = query(db_path, "select count(*) from staging.stg_raw__shop_orders")[0][0]
    assert orders == 401, "every generated order must be usable"
    assert len(asof_rows) > 100
    assert any(row[11] for row in asof_rows) and not all(row[11] for row in asof_rows)
    assert any(row[0] == "ws1" and row[1] == "edge" and row[3] == "edgec" for row in asof_rows)

    same_second_touches = query(
        db_path,
        "select count(*) from (select messages.workspace_id, messages.contact_id, events.occurred_at "
        "from staging.stg_raw__message_events as events inner join staging.stg_raw__messages as messages "
        "on events.workspace_id = messages.workspace_id and events.message_id = messages.message_id "
        f"where events.event_type in {TOUCH_TYPES} and messages.source_type in ('campaign', 'flow') "
        "group by all having count(*) > 1)",
    )[0][0]
    assert same_second_touches > 10, "the data set must hold touches of one contact in the same second"

    assert asof_rows == portable_rows

    expected = query(db_path, BRUTE_FORCE)
    got = [(row[0], row[1], row[2], row[3], row[12]) for row in asof_rows]
    assert got == expected
