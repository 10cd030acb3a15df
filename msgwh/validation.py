"""Great Expectations suites for the marts, and the checkpoint that runs them (issue 6).

The suites are built in code from `MARTS`, one `MartSpec` per mart of docs/contract.md#marts: the grain
(compound uniqueness), keys that must be present, allowed values of every enumerated
column, and value ranges (money and counts >= 0, rates in [0, 1]). Each mart's suite also
checks its row count against the previous successful run (`--state`) within a bound.
Two more suites validate frames derived here in pandas:

* `order_freshness`: one row per workspace, the age of its newest order (or affiliate
  conversion, for publishers without a shop) against an as-of time;
* `revenue_reconciliation`: one row per workspace, attributed + unattributed revenue of
  `fct_attributed_revenue` minus the orders of `fct_order_attribution` and the conversions
  of `fct_affiliate_conversions` (and `revenue_daily`'s total), which must be 0.

GX's SQLAlchemy path with duckdb-engine is broken, so the marts are read into pandas
through one read-only DuckDB connection (only the columns the suites name) and validated
as DataFrames (a pandas data source, one dataframe asset per suite, an ephemeral context).
A dataframe reaches GX through `batch_parameters`, which a checkpoint hands unchanged to
every validation definition it runs; so every suite has its own checkpoint (one
validation definition each), run one after the other in this process.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import duckdb
import pandas as pd

from msgwh.contract import (
    CAMPAIGN_STATUSES,
    CHANNELS,
    CONVERSATION_CATEGORIES,
    FLOW_TYPES,
    NETWORKS,
    RAW_TABLES,
)

SCHEMA = "marts"
# money sums are compared in floating point: a cent of slack, never more
RECONCILIATION_TOLERANCE = 0.01

ATTRIBUTION_METHODS = ("link", "last_touch", "coupon")
ORDER_SOURCE_TYPES = ("campaign", "flow", "helpdesk", "popup")
MESSAGE_SOURCE_TYPES = ("campaign", "flow", "helpdesk")
ORDER_UNATTRIBUTED_REASONS = ("not_stitched", "no_touch_in_window")
# dbt_project.yml var touch_event_types (its default): the event types that count as a touch
TOUCH_EVENT_TYPES = ("read", "clicked", "quick_reply", "cta_click")
CONVERSION_UNATTRIBUTED_REASONS = ("unknown_click", "outside_window")
ROLLUP_SOURCE_TYPES = ("campaign", "flow", "helpdesk", "popup", "affiliate", "unattributed", "all")
# rollups: `none` on unattributed revenue, `unknown` on a credit without a channel, `all` on the period row
ROLLUP_CHANNELS = (*CHANNELS, "none", "unknown", "all")
DISPOSITIONS = ("rejected", "field_nulled", "dropped_in_attribution")
ATTRIBUTION_MODELS = ("last_touch", "first_touch", "linear", "position_based", "time_decay")
JOURNEY_SOURCE_TYPES = ("campaign", "flow")

Range = tuple[float | None, float | None]
NON_NEGATIVE: Range = (0, None)
RATE: Range = (0, 1)


def _ranges(bounds: Range, *columns: str) -> dict[str, Range]:
    return {column: bounds for column in columns}


@dataclass(frozen=True)
class MartSpec:
    """What GX checks on one mart. Every column named here must exist in the mart."""

    name: str
    grain: tuple[str, ...]
    not_null: tuple[str, ...] = ()
    allowed: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    ranges: Mapping[str, Range] = field(default_factory=dict)
    # compare the row count with the previous run's (dq_rejected_rows swings with the input)
    check_row_change: bool = True

    @property
    def keys(self) -> tuple[str, ...]:
        """Grain columns and other required columns, in order, without repeats."""
        return tuple(dict.fromkeys((*self.grain, *self.not_null)))

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.keys, *self.allowed, *self.ranges)))


MARTS: tuple[MartSpec, ...] = (
    MartSpec(
        "fct_order_attribution",
        grain=("workspace_id", "order_id"),
        not_null=("created_at", "order_date", "window_days", "gross_revenue", "net_revenue", "is_attributed",
                  "is_stitched"),
        allowed={
            "attribution_method": ATTRIBUTION_METHODS,
            "source_type": ORDER_SOURCE_TYPES,
            "channel": CHANNELS,
            "touch_event_type": TOUCH_EVENT_TYPES,
            "unattributed_reason": ORDER_UNATTRIBUTED_REASONS,
        },
        ranges={
            **_ranges(NON_NEGATIVE, "gross_revenue", "net_revenue", "refund_amount", "stitched_contacts"),
            "window_days": (0, 365),
        },
    ),
    MartSpec(
        "fct_order_touch_credits",
        grain=("workspace_id", "order_id", "attribution_model", "touch_event_id"),
        not_null=("touch_at", "touch_position", "path_length", "contact_id", "credit_share",
                  "credited_gross_revenue", "credited_net_revenue"),
        allowed={"attribution_model": ATTRIBUTION_MODELS, "source_type": JOURNEY_SOURCE_TYPES,
                 "touch_event_type": TOUCH_EVENT_TYPES, "channel": CHANNELS},
        ranges={**_ranges(NON_NEGATIVE, "credited_gross_revenue", "credited_net_revenue"),
                "credit_share": RATE, "touch_position": (1, None), "path_length": (1, None)},
    ),
    MartSpec(
        "attribution_model_comparison",
        grain=("workspace_id", "source_type", "source_id", "attribution_model"),
        not_null=("credited_orders", "gross_revenue", "net_revenue", "net_revenue_vs_last_touch"),
        allowed={"attribution_model": ATTRIBUTION_MODELS, "source_type": JOURNEY_SOURCE_TYPES},
        ranges=_ranges(NON_NEGATIVE, "credited_orders", "gross_revenue", "net_revenue"),
    ),
    MartSpec(
        "campaign_lift",
        grain=("workspace_id", "source_type", "source_id"),
        not_null=("treatment_contacts", "control_contacts", "treatment_converters", "control_converters",
                  "treatment_revenue", "control_revenue", "is_significant"),
        allowed={"source_type": JOURNEY_SOURCE_TYPES},
        ranges={
            **_ranges(NON_NEGATIVE, "treatment_contacts", "control_contacts", "treatment_converters",
                      "control_converters", "treatment_revenue_per_contact", "control_revenue_per_contact"),
            **_ranges(RATE, "treatment_conversion_rate", "control_conversion_rate", "p_value"),
            **_ranges((-1, 1), "absolute_lift"),
        },
    ),
    MartSpec(
        "fct_affiliate_conversions",
        grain=("workspace_id", "conversion_key"),
        not_null=("conversion_source", "conversion_date", "revenue", "is_attributed"),
        allowed={
            "conversion_source": ("postback", "manual"),
            "network": NETWORKS,
            "source_type": MESSAGE_SOURCE_TYPES,
            "channel": CHANNELS,
            "unattributed_reason": CONVERSION_UNATTRIBUTED_REASONS,
            "window_source": ("offer", "default"),
        },
        ranges=_ranges(NON_NEGATIVE, "revenue", "attribution_window_hours"),
    ),
    MartSpec(
        "fct_attributed_revenue",
        grain=("workspace_id", "revenue_source", "revenue_id"),
        not_null=("revenue_date", "gross_revenue", "net_revenue", "is_attributed"),
        allowed={
            "revenue_source": ("shop_order", "affiliate"),
            "attribution_method": (*ATTRIBUTION_METHODS, "affiliate_click"),
            "source_type": ORDER_SOURCE_TYPES,
            "channel": CHANNELS,
            "unattributed_reason": ORDER_UNATTRIBUTED_REASONS + CONVERSION_UNATTRIBUTED_REASONS,
        },
        ranges=_ranges(NON_NEGATIVE, "gross_revenue", "net_revenue"),
    ),
    MartSpec(
        "fct_message_funnel",
        grain=("workspace_id", "message_id"),
        not_null=("contact_id", "source_type", "sent_at", "sent_date"),
        allowed={
            "source_type": MESSAGE_SOURCE_TYPES,
            "channel": CHANNELS,
            "conversation_category": CONVERSATION_CATEGORIES,
        },
        ranges=_ranges(
            NON_NEGATIVE, "cost", "segments", "click_count", "attributed_orders", "attributed_gross_revenue",
            "attributed_net_revenue",
        ),
    ),
    MartSpec(
        "dim_contacts",
        grain=("workspace_id", "contact_id"),
        not_null=("signup_date", "signup_month", "gross_revenue", "net_revenue", "is_stitched"),
        allowed={"channel": CHANNELS},
        ranges=_ranges(
            NON_NEGATIVE, "stitched_customers", "stitched_orders", "lifetime_sends", "lifetime_clicks",
            "attributed_orders", "gross_revenue", "net_revenue",
        ),
    ),
    MartSpec(
        "dim_workspaces",
        grain=("workspace_id",),
        not_null=("timezone", "currency"),
    ),
    MartSpec(
        "campaign_performance",
        grain=("workspace_id", "campaign_id"),
        not_null=("sends", "gross_revenue", "net_revenue", "cost"),
        allowed={"channel": CHANNELS, "status": CAMPAIGN_STATUSES},
        ranges={
            **_ranges(
                NON_NEGATIVE, "sends", "delivered", "reads", "clicks", "failed", "goal_conversions",
                "attributed_orders", "last_touch_orders", "coupon_orders", "gross_revenue", "net_revenue", "cost",
                "revenue_per_send", "epc", "roas",
            ),
            **_ranges(RATE, "read_rate", "click_through_rate"),
            "roi": (-1, None),
        },
    ),
    MartSpec(
        "flow_performance",
        grain=("workspace_id", "flow_id"),
        not_null=("started", "sends", "gross_revenue", "net_revenue"),
        allowed={"channel": CHANNELS, "flow_type": FLOW_TYPES},
        ranges={
            **_ranges(
                NON_NEGATIVE, "started", "completed", "contacts_started", "sends", "clicks", "bought",
                "attributed_orders", "gross_revenue", "net_revenue", "cost", "revenue_per_send", "epc",
            ),
            "completion_rate": RATE,
        },
    ),
    MartSpec(
        "audience_performance",
        grain=("workspace_id", "dimension", "dimension_value"),
        not_null=("sends", "delivered", "clicks", "attributed_orders", "conversions", "gross_revenue",
                  "net_revenue", "cost"),
        allowed={"dimension": ("sending_list", "signup_source", "region", "country_code", "channel")},
        ranges=_ranges(
            NON_NEGATIVE, "sends", "delivered", "clicks", "attributed_orders", "conversions", "gross_revenue",
            "net_revenue", "cost", "revenue_per_send", "epc", "conversion_rate", "roas",
        ),
    ),
    MartSpec(
        "agent_performance",
        grain=("workspace_id", "agent_id"),
        not_null=("customers_reached", "gross_revenue", "net_revenue"),
        allowed={"channel": CHANNELS},
        ranges={
            **_ranges(
                NON_NEGATIVE, "links_shared", "customers_reached", "customers_clicked", "customers_purchased",
                "attributed_orders", "gross_revenue", "net_revenue", "workspace_helpdesk_gross_revenue",
            ),
            **_ranges(RATE, "conversion_rate", "helpdesk_revenue_share"),
        },
    ),
    MartSpec(
        "offer_performance",
        grain=("workspace_id", "offer_id"),
        not_null=("sends", "clicks", "conversions", "revenue"),
        allowed={"network": NETWORKS},
        # conversion rate is not capped at 1: a network may report several conversions per click
        ranges=_ranges(
            NON_NEGATIVE, "sends", "clicks", "conversions", "revenue", "epc", "conversion_rate", "revenue_per_send",
            "attribution_window_hours",
        ),
    ),
    MartSpec(
        "creative_performance",
        grain=("workspace_id", "creative_id"),
        not_null=("sends", "clicks", "conversions", "revenue"),
        ranges=_ranges(
            NON_NEGATIVE, "sends", "clicks", "conversions", "revenue", "epc", "conversion_rate", "revenue_per_send",
        ),
    ),
    *(
        MartSpec(
            name,
            grain=("workspace_id", period, "source_type", "channel"),
            not_null=("gross_revenue", "net_revenue", "orders", "conversions"),
            allowed={"source_type": ROLLUP_SOURCE_TYPES, "channel": ROLLUP_CHANNELS},
            ranges={
                **_ranges(NON_NEGATIVE, "gross_revenue", "net_revenue", "orders", "conversions", *extra),
                "revenue_share": RATE,
            },
        )
        for name, period, extra in (
            ("revenue_daily", "revenue_date", ("conversations", "revenue_per_conversation")),
            ("revenue_weekly", "week_start_date", ()),
            ("revenue_monthly", "month_start_date", ()),
        )
    ),
    MartSpec(
        "revenue_rolling",
        grain=("workspace_id", "as_of_date", "source_type"),
        not_null=("gross_revenue_last_30d", "gross_revenue_lifetime", "net_revenue_last_30d",
                  "net_revenue_lifetime", "is_latest_date"),
        allowed={"source_type": ROLLUP_SOURCE_TYPES},
        ranges={
            **_ranges(
                NON_NEGATIVE, "gross_revenue_last_30d", "gross_revenue_previous_30d", "gross_revenue_lifetime",
                "net_revenue_last_30d", "net_revenue_previous_30d", "net_revenue_lifetime",
            ),
            # a relative change never falls below -100 %
            **_ranges((-1, None), "gross_revenue_change_rate", "net_revenue_change_rate"),
        },
    ),
    MartSpec(
        "ltv_cohorts",
        grain=("workspace_id", "cohort_month", "months_since_signup"),
        not_null=("revenue_month", "cohort_size", "gross_revenue", "net_revenue"),
        ranges=_ranges(
            NON_NEGATIVE, "months_since_signup", "cohort_size", "orders", "purchasing_contacts", "gross_revenue",
            "net_revenue", "cumulative_gross_revenue", "cumulative_net_revenue", "gross_revenue_per_contact",
            "net_revenue_per_contact", "cumulative_gross_revenue_per_contact", "cumulative_net_revenue_per_contact",
        ),
    ),
    MartSpec(
        "ltv_cohort_summary",
        grain=("workspace_id", "cohort_month"),
        not_null=("cohort_size", "first_signup_date", "last_signup_date"),
        ranges=_ranges(
            NON_NEGATIVE, "cohort_size",
            *(f"{kind}_revenue{per}_{days}d" for kind in ("gross", "net") for per in ("", "_per_contact")
              for days in (7, 30, 90)),
        ),
    ),
    MartSpec(
        "campaign_daily_stats",
        grain=("workspace_id", "campaign_id", "activity_date"),
        not_null=("sent", "delivered", "viewed", "clicked", "goal"),
        ranges=_ranges(NON_NEGATIVE, "sent", "delivered", "viewed", "clicked", "goal"),
    ),
    MartSpec(
        "campaign_recipients",
        grain=("workspace_id", "campaign_id", "contact_id"),
        ranges=_ranges(
            NON_NEGATIVE, "messages_sent", "messages_delivered", "messages_viewed", "messages_clicked",
            "messages_with_goal", "click_events",
        ),
    ),
    MartSpec(
        "campaign_orders",
        grain=("workspace_id", "order_id"),
        not_null=("campaign_id", "order_date"),
        allowed={"attribution_method": ("last_touch", "coupon"), "channel": CHANNELS},
        ranges=_ranges(NON_NEGATIVE, "gross_revenue", "net_revenue"),
    ),
    MartSpec(
        "stitching_summary",
        grain=("workspace_id",),
        not_null=("contacts", "stitched_contacts", "customers", "orders"),
        ranges={
            **_ranges(
                NON_NEGATIVE, "contacts", "stitched_contacts", "customers", "stitched_customers", "orders",
                "stitched_orders", "guest_orders", "stitched_guest_orders",
            ),
            **_ranges(RATE, "stitch_rate", "customer_stitch_rate", "order_stitch_rate"),
        },
    ),
    MartSpec(
        # no grain: a raw row repeated three times is rejected twice under the same key
        "dq_rejected_rows",
        grain=(),
        not_null=("source_table", "row_key", "reason", "disposition", "detected_at"),
        allowed={"source_table": tuple(RAW_TABLES), "disposition": DISPOSITIONS},
        check_row_change=False,
    ),
    MartSpec(
        "raw_table_freshness",
        grain=("workspace_id", "source_table"),
        not_null=("freshness_status", "raw_rows", "judged_as_of"),
        allowed={"source_table": tuple(RAW_TABLES), "freshness_status": ("pass", "warn", "error", "no_rows")},
        ranges={
            **_ranges(NON_NEGATIVE, "raw_rows", "warn_after_hours", "error_after_hours"),
            # rows up to the future tolerance (24 h) past the as-of are judged, as by dbt
            "age_hours": (-24, None),
        },
    ),
)

MART_NAMES = tuple(spec.name for spec in MARTS)

# columns the derived suites read, beyond what the mart suites name
DERIVED_COLUMNS: dict[str, tuple[str, ...]] = {
    "fct_order_attribution": ("workspace_id", "created_at", "gross_revenue", "net_revenue", "is_attributed"),
    "fct_affiliate_conversions": ("workspace_id", "converted_at", "conversion_date", "revenue", "is_attributed"),
    "fct_attributed_revenue": ("workspace_id", "revenue_source", "gross_revenue", "net_revenue", "is_attributed"),
    "revenue_daily": ("workspace_id", "gross_revenue", "net_revenue"),
}


# --------------------------------------------------------------------------------------
# Reading the marts
# --------------------------------------------------------------------------------------


def _pandas_dtype(arrow_type):
    """Arrow-backed strings: a fraction of the memory and read time of Python str objects."""
    import pyarrow as pa

    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype("pyarrow")
    return None


def _select_expression(column: str, data_type: str) -> str:
    # money is compared with float bounds and summed in float: read it as double
    if data_type.startswith("DECIMAL") or data_type in ("HUGEINT", "UHUGEINT"):
        return f'cast("{column}" as double) as "{column}"'
    return f'"{column}"'


class MartReader:
    """Reads marts through one read-only DuckDB connection, one mart at a time.

    Only the columns the suites name are read. A column a suite names but the mart lacks
    is left out; its expectation then fails in GX, naming it. Frames come through Arrow
    (strings stay Arrow-backed, dates become datetime64): at a million contacts this reads
    the marts in a third of the time and memory of `.df()`.
    """

    def __init__(self, db_path: Path | str) -> None:
        self.conn = duckdb.connect(str(db_path), read_only=True)
        self.types: dict[str, dict[str, str]] = {}
        for table, column, data_type in self.conn.execute(
            "select table_name, column_name, data_type from information_schema.columns where table_schema = ?",
            [SCHEMA],
        ).fetchall():
            self.types.setdefault(table, {})[column] = data_type

    def __enter__(self) -> MartReader:
        return self

    def __exit__(self, *exc) -> None:
        self.conn.close()

    def exists(self, name: str) -> bool:
        return name in self.types

    def read(self, spec: MartSpec) -> pd.DataFrame:
        types = self.types[spec.name]
        wanted = dict.fromkeys((*spec.columns, *DERIVED_COLUMNS.get(spec.name, ())))
        select = ", ".join(_select_expression(column, types[column]) for column in wanted if column in types)
        table = self.conn.execute(f'select {select or "1 as no_column"} from {SCHEMA}."{spec.name}"').arrow()
        if hasattr(table, "read_all"):  # a RecordBatchReader in newer DuckDB releases
            table = table.read_all()
        return table.to_pandas(types_mapper=_pandas_dtype, date_as_object=False, self_destruct=True)


def read_marts(db_path: Path | str, specs: Iterable[MartSpec] = MARTS) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Every mart's frame (see MartReader) and the names of marts missing from the database."""
    frames: dict[str, pd.DataFrame] = {}
    missing: list[str] = []
    with MartReader(db_path) as reader:
        for spec in specs:
            if reader.exists(spec.name):
                frames[spec.name] = reader.read(spec)
            else:
                missing.append(spec.name)
    return frames, missing


# --------------------------------------------------------------------------------------
# Derived frames
# --------------------------------------------------------------------------------------


def order_freshness(
    orders: pd.DataFrame | None, conversions: pd.DataFrame | None, as_of: dt.datetime
) -> pd.DataFrame:
    """Per workspace: its newest order (and affiliate conversion) and the age in days at `as_of`.

    An affiliate publisher has no shop orders: its newest conversion stands in. A
    workspace with neither has no row (there is nothing to be stale).
    """
    parts = []
    if orders is not None and "created_at" not in orders:
        orders = None
    if conversions is not None and not {"converted_at", "conversion_date"} <= set(conversions):
        conversions = None
    if orders is not None and len(orders):
        parts.append(orders.groupby("workspace_id")["created_at"].max().rename("newest_order_at"))
    if conversions is not None and len(conversions):
        # a manual import carries a date only: its day counts from midnight
        converted = conversions["converted_at"].fillna(pd.to_datetime(conversions["conversion_date"]))
        parts.append(converted.groupby(conversions["workspace_id"]).max().rename("newest_conversion_at"))
    if not parts:
        return pd.DataFrame(
            {"workspace_id": pd.Series(dtype="str"), "newest_order_at": pd.Series(dtype="datetime64[us]"),
             "newest_conversion_at": pd.Series(dtype="datetime64[us]"), "newest_at": pd.Series(dtype="datetime64[us]"),
             "age_days": pd.Series(dtype="float64")}
        )
    frame = pd.concat(parts, axis=1).reset_index(names="workspace_id")
    for column in ("newest_order_at", "newest_conversion_at"):
        if column not in frame:
            frame[column] = pd.NaT
        frame[column] = pd.to_datetime(frame[column])
    frame["newest_at"] = frame["newest_order_at"].fillna(frame["newest_conversion_at"])
    frame["age_days"] = (pd.Timestamp(as_of) - frame["newest_at"]) / pd.Timedelta(days=1)
    return frame.sort_values("workspace_id").reset_index(drop=True)


def _sum_by_workspace(frame: pd.DataFrame | None, column: str, where: Callable | None = None) -> pd.Series:
    if frame is None or column not in frame or "workspace_id" not in frame:
        return pd.Series(dtype="float64")
    if where is not None:
        frame = frame[where(frame)]
    return frame.groupby("workspace_id")[column].sum().astype("float64")


def revenue_reconciliation(frames: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Per workspace: the revenue of the facts against `fct_attributed_revenue` and `revenue_daily`.

    `*_difference` columns must be 0: attributed + unattributed revenue equals all order
    and conversion revenue, gross and net, the attributed part alone matches the attributed
    orders and conversions, and the daily rollup adds up to the same total.
    """
    orders = frames.get("fct_order_attribution")
    conversions = frames.get("fct_affiliate_conversions")
    combined = frames.get("fct_attributed_revenue")
    daily = frames.get("revenue_daily")

    def attributed(frame):
        return frame["is_attributed"].astype(bool)

    def unattributed(frame):
        return ~frame["is_attributed"].astype(bool)

    columns = {
        "order_gross_revenue": _sum_by_workspace(orders, "gross_revenue"),
        "order_net_revenue": _sum_by_workspace(orders, "net_revenue"),
        "attributed_order_gross_revenue": _sum_by_workspace(orders, "gross_revenue", attributed),
        "conversion_revenue": _sum_by_workspace(conversions, "revenue"),
        "attributed_conversion_revenue": _sum_by_workspace(conversions, "revenue", attributed),
        "attributed_gross_revenue": _sum_by_workspace(combined, "gross_revenue", attributed),
        "unattributed_gross_revenue": _sum_by_workspace(combined, "gross_revenue", unattributed),
        "attributed_net_revenue": _sum_by_workspace(combined, "net_revenue", attributed),
        "unattributed_net_revenue": _sum_by_workspace(combined, "net_revenue", unattributed),
        "rollup_gross_revenue": _sum_by_workspace(daily, "gross_revenue"),
    }
    frame = pd.DataFrame(columns).fillna(0.0)
    frame.index.name = "workspace_id"
    frame = frame.reset_index()
    total_gross = frame["order_gross_revenue"] + frame["conversion_revenue"]
    # affiliate payouts have no refunds: their net is their gross
    total_net = frame["order_net_revenue"] + frame["conversion_revenue"]
    frame["gross_difference"] = frame["attributed_gross_revenue"] + frame["unattributed_gross_revenue"] - total_gross
    frame["net_difference"] = frame["attributed_net_revenue"] + frame["unattributed_net_revenue"] - total_net
    frame["attributed_difference"] = frame["attributed_gross_revenue"] - (
        frame["attributed_order_gross_revenue"] + frame["attributed_conversion_revenue"]
    )
    frame["rollup_difference"] = frame["rollup_gross_revenue"] - total_gross
    return frame.round(6)


# --------------------------------------------------------------------------------------
# Row-count state
# --------------------------------------------------------------------------------------


def load_state(path: Path, db_key: str) -> dict[str, int] | None:
    """The row counts the last successful run recorded for this database, if any."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return None
    entry = data.get("databases", {}).get(db_key)
    return dict(entry["row_counts"]) if entry else None


def save_state(path: Path, db_key: str, row_counts: Mapping[str, int], as_of: dt.datetime) -> None:
    data: dict[str, Any] = {"databases": {}}
    if path.exists():
        try:
            data = json.loads(path.read_text())
            data.setdefault("databases", {})
        except (OSError, json.JSONDecodeError):
            data = {"databases": {}}
    data["databases"][db_key] = {
        "recorded_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        "as_of": as_of.isoformat(timespec="seconds"),
        "row_counts": dict(row_counts),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def row_count_bounds(previous: int | None, max_change: float) -> tuple[int, int | None]:
    """Allowed row counts given the previous run's: within ±max_change of it.

    No previous count (first run) or a previous 0 (nothing to compare a share with)
    allows any count.
    """
    if not previous:
        return 0, None
    return math.floor(previous * (1 - max_change)), math.ceil(previous * (1 + max_change))


# --------------------------------------------------------------------------------------
# Suites and the checkpoint run
# --------------------------------------------------------------------------------------


@dataclass
class SuiteOutcome:
    name: str
    success: bool
    rows: int | None
    evaluated: int
    failed: list[dict[str, Any]]
    gx_result: dict[str, Any] | None = None

    def summary_line(self) -> str:
        status = "PASS" if self.success else "FAIL"
        passed = self.evaluated - len(self.failed)
        rows = f"{self.rows:>10,} rows" if self.rows is not None else " " * 15
        line = f"{status}  {self.name:<28} {passed:>3}/{self.evaluated:<3} expectations {rows}"
        if self.failed:
            line += "  failed: " + "; ".join(item["label"] for item in self.failed)
        return line


def _expectations_for_mart(spec: MartSpec, bounds: tuple[int, int | None], previous: int | None) -> list:
    import great_expectations.expectations as gxe

    items = []
    if len(spec.grain) > 1:
        items.append(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(spec.grain), meta={"check": "grain"}))
    elif spec.grain:
        items.append(gxe.ExpectColumnValuesToBeUnique(column=spec.grain[0], meta={"check": "grain"}))
    for column in spec.keys:
        items.append(gxe.ExpectColumnValuesToNotBeNull(column=column, meta={"check": "not_null"}))
    for column, values in spec.allowed.items():
        items.append(gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values),
                                                     meta={"check": "allowed_values"}))
    for column, (low, high) in spec.ranges.items():
        items.append(gxe.ExpectColumnValuesToBeBetween(column=column, min_value=low, max_value=high,
                                                       meta={"check": "range"}))
    low, high = bounds
    items.append(gxe.ExpectTableRowCountToBeBetween(
        min_value=low, max_value=high, meta={"check": "row_count_change", "previous_row_count": previous}
    ))
    return items


def _freshness_expectations(max_age_days: float) -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeUnique(column="workspace_id", meta={"check": "grain"}),
        gxe.ExpectColumnValuesToNotBeNull(column="newest_at", meta={"check": "freshness"}),
        # staging rejects orders more than 24 h in the future, so -1 day is the floor
        gxe.ExpectColumnValuesToBeBetween(column="age_days", min_value=-1, max_value=max_age_days,
                                          meta={"check": "freshness"}),
    ]


def _reconciliation_expectations() -> list:
    import great_expectations.expectations as gxe

    return [
        gxe.ExpectColumnValuesToBeBetween(
            column=column, min_value=-RECONCILIATION_TOLERANCE, max_value=RECONCILIATION_TOLERANCE,
            meta={"check": "reconciliation"},
        )
        for column in ("gross_difference", "net_difference", "attributed_difference", "rollup_difference")
    ]


def _label(result) -> str:
    config = result.expectation_config
    kwargs = config.kwargs
    target = kwargs.get("column") or ",".join(kwargs.get("column_list") or []) or "table"
    detail = ""
    info = result.result or {}
    if result.exception_info and any(
        (value or {}).get("raised_exception") for value in
        (result.exception_info.values() if "raised_exception" not in result.exception_info
         else [result.exception_info])
    ):
        detail = "error: column missing or not computable"
    elif info.get("unexpected_count"):
        examples = info.get("partial_unexpected_list") or []
        detail = f"{info['unexpected_count']} unexpected, e.g. {examples[:3]}"
    elif "observed_value" in info:
        detail = f"observed {info['observed_value']}"
    return f"{config.type}({target}) {detail}".strip()


def _outcome(name: str, rows: int | None, result) -> SuiteOutcome:
    failed = []
    for item in result.results:
        if not item.success:
            failed.append({
                "label": _label(item),
                "expectation_type": item.expectation_config.type,
                "kwargs": {k: v for k, v in item.expectation_config.kwargs.items() if k != "batch_id"},
                "meta": dict(item.expectation_config.meta or {}),
                "result": json.loads(json.dumps(item.result or {}, default=str)),
            })
    return SuiteOutcome(
        name=name,
        success=bool(result.success),
        rows=rows,
        evaluated=len(result.results),
        failed=failed,
    )


@dataclass
class ValidationRun:
    success: bool
    outcomes: list[SuiteOutcome]
    row_counts: dict[str, int]
    seconds: dict[str, float]
    derived: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    data_docs: str | None = None


def validate(
    db_path: Path | str,
    as_of: dt.datetime,
    previous_counts: Mapping[str, int] | None,
    max_row_change: float,
    max_order_age_days: float,
    data_docs_dir: Path | None = None,
    on_suite: Callable[[SuiteOutcome], None] | None = None,
) -> ValidationRun:
    """Read the marts, build the suites, run one checkpoint per suite; nothing is written
    except the HTML data docs when `data_docs_dir` is given."""
    import time

    started = time.perf_counter()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    if data_docs_dir is not None:
        context.add_data_docs_site("marts", {
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(data_docs_dir)},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    datasource = context.data_sources.add_pandas("marts")
    run_id = gx.RunIdentifier(run_name="marts", run_time=dt.datetime.now(dt.UTC))

    def run_suite(name: str, frame: pd.DataFrame, expectations: list, rows: int | None) -> SuiteOutcome:
        batch_definition = datasource.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all")
        suite = context.suites.add(gx.ExpectationSuite(name=name))
        for expectation in expectations:
            suite.add_expectation(expectation)
        definition = context.validation_definitions.add(
            gx.ValidationDefinition(name=name, data=batch_definition, suite=suite)
        )
        checkpoint = context.checkpoints.add(gx.Checkpoint(
            name=f"{name}_checkpoint", validation_definitions=[definition],
            result_format={"result_format": "SUMMARY"},
        ))
        result = checkpoint.run(batch_parameters={"dataframe": frame}, run_id=run_id)
        # the engine caches every batch it loaded: let go of the frame (one mart in memory at a time)
        batch_manager = datasource.get_execution_engine().batch_manager
        batch_manager.reset_batch_cache()
        batch_manager.batch_data_cache.clear()
        (validation_result,) = result.run_results.values()
        outcome = _outcome(name, rows, validation_result)
        outcome.gx_result = json.loads(json.dumps(validation_result.describe_dict(), default=str))
        if on_suite:
            on_suite(outcome)
        return outcome

    outcomes: list[SuiteOutcome] = []
    row_counts: dict[str, int] = {}
    # narrow copies of the columns the freshness and reconciliation suites read
    derived_inputs: dict[str, pd.DataFrame] = {}
    read_seconds = 0.0
    with MartReader(db_path) as reader:
        for spec in MARTS:
            if not reader.exists(spec.name):
                outcome = SuiteOutcome(spec.name, False, None, 1, [
                    {"label": f"mart {SCHEMA}.{spec.name} does not exist", "expectation_type": "table_exists",
                     "kwargs": {}, "meta": {"check": "exists"}, "result": {}}
                ])
                outcomes.append(outcome)
                if on_suite:
                    on_suite(outcome)
                continue
            read_started = time.perf_counter()
            frame = reader.read(spec)
            read_seconds += time.perf_counter() - read_started
            if spec.name in DERIVED_COLUMNS:
                derived_inputs[spec.name] = frame[[c for c in DERIVED_COLUMNS[spec.name] if c in frame]].copy()
            # few distinct values: categories cut the memory and time of GX's filtered copies
            for column in ("workspace_id", *spec.allowed):
                if column in frame:
                    frame[column] = frame[column].astype("category")
            row_counts[spec.name] = len(frame)
            previous = (previous_counts or {}).get(spec.name) if spec.check_row_change else None
            bounds = row_count_bounds(previous, max_row_change)
            outcomes.append(run_suite(spec.name, frame, _expectations_for_mart(spec, bounds, previous), len(frame)))
            del frame  # one mart in memory at a time

    frames = derived_inputs
    freshness = order_freshness(frames.get("fct_order_attribution"), frames.get("fct_affiliate_conversions"), as_of)
    outcomes.append(run_suite("order_freshness", freshness, _freshness_expectations(max_order_age_days),
                              len(freshness)))
    reconciliation = revenue_reconciliation(frames)
    outcomes.append(run_suite("revenue_reconciliation", reconciliation, _reconciliation_expectations(),
                              len(reconciliation)))

    docs = None
    if data_docs_dir is not None:
        docs = context.build_data_docs(site_names=["marts"]).get("marts")
    total = time.perf_counter() - started
    return ValidationRun(
        success=all(outcome.success for outcome in outcomes),
        outcomes=outcomes,
        row_counts=row_counts,
        seconds={"read_marts": round(read_seconds, 3), "total": round(total, 3)},
        derived={
            "order_freshness": _records(freshness),
            "revenue_reconciliation": _records(reconciliation),
        },
        data_docs=docs,
    )


def judged_as_of(db_path: Path | str) -> dt.datetime | None:
    """The instant the build says its data is judged at (`int_freshness_judged_as_of`): the demo's
    own as-of on the demo seeds; None for real data (judge it now) or a warehouse without the model."""
    import duckdb

    with duckdb.connect(str(db_path), read_only=True) as conn:
        found = conn.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'intermediate' and table_name = 'int_freshness_judged_as_of'"
        ).fetchone()[0]
        if not found:
            return None
        row = conn.execute("select judged_as_of from intermediate.int_freshness_judged_as_of").fetchone()
    return row[0] if row else None


def stale_workspaces(run: ValidationRun, max_age_days: float) -> list[str]:
    """One line per workspace whose newest order (or conversion) is older than allowed."""
    lines = []
    for row in run.derived.get("order_freshness", []):
        age = row.get("age_days")
        if age is None or age > max_age_days:
            newest = (row.get("newest_at") or "never")[:16].replace("T", " ")
            table = "fct_order_attribution" if row.get("newest_order_at") else "fct_affiliate_conversions"
            age_text = "no rows" if age is None else f"{age:.1f} days old"
            lines.append(f"stale: workspace {row['workspace_id']}: newest row of marts.{table} at {newest}, "
                         f"{age_text} (at most {max_age_days:g})")
    return lines


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return json.loads(frame.to_json(orient="records", date_format="iso"))


def report_dict(run: ValidationRun, db_path: Path | str, as_of: dt.datetime, settings: Mapping[str, Any]) -> dict:
    """The JSON report: settings, one entry per suite with its failures, and GX's own results."""
    return {
        "success": run.success,
        "database": str(db_path),
        "as_of": as_of.isoformat(timespec="seconds"),
        "generated_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        "settings": dict(settings),
        "seconds": run.seconds,
        "data_docs": run.data_docs,
        "suites": [
            {
                "name": outcome.name,
                "success": outcome.success,
                "rows": outcome.rows,
                "evaluated_expectations": outcome.evaluated,
                "failed_expectations": outcome.failed,
                "summary": outcome.summary_line(),
            }
            for outcome in run.outcomes
        ],
        "derived_frames": run.derived,
        "gx_results": {outcome.name: outcome.gx_result for outcome in run.outcomes if outcome.gx_result},
    }


def default_db_path() -> Path:
    return Path(os.environ.get("DBT_DUCKDB_PATH") or "warehouse.duckdb")


def default_target_dir() -> Path:
    return Path(os.environ.get("DBT_TARGET_PATH") or "target")
