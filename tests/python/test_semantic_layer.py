"""The semantic layer (models/semantic/): `mf validate-configs` passes against the demo warehouse
(data-warehouse validations included), and `mf query` gives the marts' own figures, whole row
sets compared: money to the cent, counts exactly, ratios to 1e-9."""

from __future__ import annotations

import csv
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
import yaml

from tests.conftest import BIN, REPO, dbt_env, run_dbt

pytestmark = pytest.mark.dbt

CENT = Decimal("0.01")
RATIO_TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def semantic_project(demo_warehouse: Path, tmp_path_factory) -> Path:
    """A project folder of links to the repository's dbt files, with its own copy of the demo
    warehouse, target/ and logs/: mf reads `<project>/target/semantic_manifest.json` and opens the
    warehouse through the dbt adapter (read-write), so neither the repository's target/ nor the
    shared demo warehouse is touched."""
    project = tmp_path_factory.mktemp("semantic")
    shutil.copy(demo_warehouse, project / "warehouse.duckdb")
    config = yaml.safe_load((REPO / "dbt_project.yml").read_text())
    entries = {"dbt_project.yml"}
    for key in ("model-paths", "seed-paths", "test-paths", "macro-paths", "analysis-paths", "snapshot-paths"):
        entries.update(config.get(key, []))
    for entry in sorted(entries):
        if (REPO / entry).exists():
            (project / entry).symlink_to(REPO / entry)
    # the demo build wrote the semantic manifest beside its manifest: no second parse
    built = demo_warehouse.parent / "target" / "semantic_manifest.json"
    if built.exists():
        (project / "target").mkdir()
        shutil.copy(built, project / "target" / "semantic_manifest.json")
    else:
        run_dbt(["parse", "--project-dir", str(project)], project)
    return project


def mf(project: Path, *args: str) -> subprocess.CompletedProcess:
    env = dbt_env(project)
    env["DBT_PROJECT_DIR"] = str(project)
    return subprocess.run(
        [str(BIN / "mf"), *args], cwd=project, env=env, capture_output=True, text=True, timeout=300
    )


def mf_query(project: Path, metrics: list[str], group_by: list[str]) -> list[dict[str, str | None]]:
    """The rows of `mf query` (its --csv output), empty values as None."""
    out = project / f"query_{len(list(project.glob('query_*.csv')))}.csv"
    result = mf(project, "query", "--metrics", ",".join(metrics), "--group-by", ",".join(group_by),
                "--csv", str(out), "--quiet")
    assert result.returncode == 0 and out.exists(), f"mf query failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    with out.open(newline="") as handle:
        return [{name: value if value != "" else None for name, value in row.items()} for row in csv.DictReader(handle)]


def mart_rows(project: Path, sql: str) -> list[dict]:
    """The rows of `sql` on the copy of the warehouse (read-only, closed before mf opens it again)."""
    with duckdb.connect(str(project / "warehouse.duckdb"), read_only=True) as connection:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def _key_value(name: str, value) -> str | None:
    if value is None:
        return None
    # mf gives metric_time as a timestamp ('2026-08-03 00:00:00'), the marts a date
    return str(value)[:10] if name.startswith("metric_time") else str(value)


def _value(kind: str, value):
    if value is None:
        return None
    if kind == "money":
        return Decimal(str(value)).quantize(CENT)
    if kind == "count":
        return int(Decimal(str(value)))
    return float(value)


def _equal(kind: str, actual, expected) -> bool:
    if actual is None or expected is None:
        return actual is None and expected is None
    if kind == "ratio":
        return abs(actual - expected) <= RATIO_TOLERANCE
    return actual == expected


def assert_same_rows(actual: list[dict], expected: list[dict], *, keys: list[str], money=(), counts=(), ratios=()):
    """mf's rows equal the mart's: the same keys, and per key every measure (money to the cent,
    counts exactly, ratios to 1e-9; null only where the other is null)."""
    kinds = {**{name: "money" for name in money}, **{name: "count" for name in counts},
             **{name: "ratio" for name in ratios}}

    def index(rows: list[dict]) -> dict[tuple, dict]:
        indexed = {}
        for row in rows:
            key = tuple(_key_value(name, row[name]) for name in keys)
            assert key not in indexed, f"two rows for {key}"
            indexed[key] = {name: _value(kind, row[name]) for name, kind in kinds.items()}
        return indexed

    got, want = index(actual), index(expected)
    assert got, "mf returned no rows"
    assert sorted(got, key=str) == sorted(want, key=str), (
        f"keys only from mf: {sorted(set(got) - set(want), key=str)[:10]}; "
        f"keys only in the mart: {sorted(set(want) - set(got), key=str)[:10]}"
    )
    differences = [
        f"{key} {name}: mf {got[key][name]!r}, mart {want[key][name]!r}"
        for key in sorted(want, key=str)
        for name, kind in kinds.items()
        if not _equal(kind, got[key][name], want[key][name])
    ]
    assert not differences, f"{len(differences)} differences:\n" + "\n".join(differences[:20])


def test_mf_validate_configs_passes_against_the_warehouse(semantic_project: Path):
    result = mf(semantic_project, "validate-configs")
    assert result.returncode == 0, f"{result.stdout[-5000:]}\n{result.stderr[-3000:]}"
    assert "against data warehouse" in result.stdout


def test_revenue_by_source_type_and_channel_per_month_equals_revenue_monthly(semantic_project: Path):
    actual = mf_query(
        semantic_project,
        ["gross_revenue", "net_revenue", "orders", "conversions"],
        ["workspace", "revenue__source_type", "revenue__channel", "metric_time__month"],
    )
    # the period rows ('all') carry no revenue
    expected = mart_rows(semantic_project, """
        select workspace_id as workspace, source_type as revenue__source_type, channel as revenue__channel,
            month_start_date as metric_time__month, gross_revenue, net_revenue, orders, conversions
        from marts.revenue_monthly
        where source_type <> 'all'
    """)
    assert {row["revenue__source_type"] for row in expected} >= {"affiliate", "unattributed", "campaign"}
    assert_same_rows(actual, expected, keys=["workspace", "revenue__source_type", "revenue__channel", "metric_time__month"],
                     money=["gross_revenue", "net_revenue"], counts=["orders", "conversions"])


def test_attributed_revenue_share_per_monday_week_equals_revenue_weekly(semantic_project: Path):
    actual = mf_query(
        semantic_project,
        ["gross_revenue", "attributed_revenue", "attributed_revenue_share"],
        ["workspace", "metric_time__week"],
    )
    # the share of the attributed rows' revenue_share, per week with revenue rows
    expected = mart_rows(semantic_project, """
        select
            workspace_id as workspace,
            week_start_date as metric_time__week,
            sum(gross_revenue) as gross_revenue,
            sum(case when source_type not in ('unattributed', 'all') then gross_revenue else 0 end) as attributed_revenue,
            case when sum(gross_revenue) <> 0 then coalesce(
                sum(revenue_share) filter (where source_type not in ('unattributed', 'all')), 0
            ) end as attributed_revenue_share
        from marts.revenue_weekly
        group by workspace_id, week_start_date
        having count(*) filter (where source_type <> 'all') > 0
    """)
    assert all(row["metric_time__week"].isoweekday() == 1 for row in expected)
    assert_same_rows(actual, expected, keys=["workspace", "metric_time__week"],
                     money=["gross_revenue", "attributed_revenue"], ratios=["attributed_revenue_share"])


def test_campaign_ratios_equal_campaign_performance(semantic_project: Path):
    actual = mf_query(
        semantic_project,
        ["sends", "delivered", "clicks", "cost", "order_revenue", "click_through_rate", "order_revenue_per_send",
         "order_epc", "order_roas", "order_roi"],
        ["workspace", "campaign"],
    )
    # mf has no row for a campaign that neither sent nor earned (campaign_performance: zeros and nulls)
    expected = mart_rows(semantic_project, """
        select workspace_id as workspace, workspace_id || '|' || campaign_id as campaign, sends, delivered, clicks,
            cost, gross_revenue as order_revenue, click_through_rate, revenue_per_send as order_revenue_per_send,
            epc as order_epc, roas as order_roas, roi as order_roi
        from marts.campaign_performance
        where sends > 0 or attributed_orders > 0
    """)
    assert any(row["order_roi"] is not None and row["order_roi"] < 0 for row in expected)
    assert_same_rows([row for row in actual if row["campaign"] is not None], expected, keys=["workspace", "campaign"],
                     money=["cost", "order_revenue"], counts=["sends", "delivered", "clicks"],
                     ratios=["click_through_rate", "order_revenue_per_send", "order_epc", "order_roas", "order_roi"])


@pytest.mark.parametrize("entity, mart", [("offer", "offer_performance"), ("creative", "creative_performance")])
def test_affiliate_ratios_by_offer_and_creative_equal_their_marts(semantic_project: Path, entity: str, mart: str):
    metrics = ["affiliate_sends", "affiliate_clicks", "attributed_conversions", "affiliate_revenue", "affiliate_epc",
               "affiliate_conversion_rate", "affiliate_revenue_per_send"]
    actual = mf_query(semantic_project, metrics, ["workspace", entity])
    expected = mart_rows(semantic_project, f"""
        select workspace_id as workspace, workspace_id || '|' || {entity}_id as {entity}, sends as affiliate_sends,
            clicks as affiliate_clicks, conversions as attributed_conversions, revenue as affiliate_revenue,
            epc as affiliate_epc, conversion_rate as affiliate_conversion_rate,
            revenue_per_send as affiliate_revenue_per_send
        from marts.{mart}
        where sends > 0 or conversions > 0
    """)
    assert_same_rows([row for row in actual if row[entity] is not None], expected, keys=["workspace", entity],
                     money=["affiliate_revenue"], counts=["affiliate_sends", "affiliate_clicks", "attributed_conversions"],
                     ratios=["affiliate_epc", "affiliate_conversion_rate", "affiliate_revenue_per_send"])


def test_stitch_rate_by_workspace_equals_stitching_summary(semantic_project: Path):
    actual = mf_query(semantic_project, ["contacts", "stitched_contacts", "stitch_rate"], ["workspace"])
    expected = mart_rows(semantic_project, """
        select workspace_id as workspace, contacts, stitched_contacts, stitch_rate
        from marts.stitching_summary
        where contacts > 0
    """)
    assert_same_rows(actual, expected, keys=["workspace"], counts=["contacts", "stitched_contacts"],
                     ratios=["stitch_rate"])


def test_orders_and_average_order_value_equal_the_order_attribution(semantic_project: Path):
    actual = mf_query(
        semantic_project,
        ["orders", "order_revenue", "average_order_value", "refunds"],
        ["workspace", "order__attribution_method", "metric_time__month"],
    )
    expected = mart_rows(semantic_project, """
        select
            workspace_id as workspace,
            attribution_method as order__attribution_method,
            date_trunc('month', order_date) as metric_time__month,
            count(*) as orders,
            sum(gross_revenue) as order_revenue,
            cast(sum(gross_revenue) as double) / count(*) as average_order_value,
            sum(refund_amount) as refunds
        from marts.fct_order_attribution
        group by all
    """)
    assert_same_rows(actual, expected, keys=["workspace", "order__attribution_method", "metric_time__month"],
                     money=["order_revenue", "refunds"], counts=["orders"], ratios=["average_order_value"])


@pytest.mark.parametrize(("dimension", "group_by"), [
    ("signup_source", "contact__signup_source"),
    ("sending_list", "campaign__sending_list"),
])
def test_revenue_per_send_by_audience_equals_audience_performance(semantic_project: Path, dimension, group_by):
    actual = mf_query(
        semantic_project,
        ["sends", "delivered", "clicks", "cost", "message_revenue", "revenue_per_send", "epc", "roas"],
        ["workspace", group_by],
    )
    # audience_performance names the null value '(none)'; mf leaves it null
    expected = mart_rows(semantic_project, f"""
        select workspace_id as workspace, nullif(dimension_value, '(none)') as {group_by}, sends, delivered, clicks,
            cost, gross_revenue as message_revenue, revenue_per_send, epc, roas
        from marts.audience_performance
        where dimension = '{dimension}'
    """)
    if dimension == "sending_list":  # flow and helpdesk messages have none
        assert any(row[group_by] is None for row in expected)
    assert_same_rows(actual, expected, keys=["workspace", group_by], money=["cost", "message_revenue"],
                     counts=["sends", "delivered", "clicks"], ratios=["revenue_per_send", "epc", "roas"])


def test_revenue_per_conversation_per_day_equals_revenue_daily(semantic_project: Path):
    actual = mf_query(semantic_project, ["conversations", "revenue_per_conversation"], ["workspace", "metric_time__day"])
    # the day rows of the spine with conversations or revenue (mf has no row for a day with neither)
    expected = mart_rows(semantic_project, """
        select workspace_id as workspace, revenue_date as metric_time__day, conversations, revenue_per_conversation
        from marts.revenue_daily as days
        where source_type = 'all' and (
            conversations > 0
            or exists (
                select 1 from marts.revenue_daily as revenue
                where revenue.workspace_id = days.workspace_id and revenue.revenue_date = days.revenue_date
                    and revenue.source_type <> 'all'
            )
        )
    """)
    assert any(row["revenue_per_conversation"] is None for row in expected)
    assert_same_rows(actual, expected, keys=["workspace", "metric_time__day"], counts=["conversations"],
                     ratios=["revenue_per_conversation"])
