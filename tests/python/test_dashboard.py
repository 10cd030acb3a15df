"""The dashboard's pages under Streamlit's AppTest: every figure shown equals the marts'.

Each page runs alone (it draws the shared pickers itself) against the demo's published BI file.
The browser test (test_dashboard_browser.py) drives the served app in chromium.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from msgwh import bi
from msgwh.dashboard import data

VIEWS = Path(data.__file__).parent / "views"
PAGES = ("overview", "campaigns", "flows", "agents", "affiliate", "cohorts", "data_quality")

pytestmark = pytest.mark.dbt


def mart(bi_file: Path, sql: str, *params: object) -> pd.DataFrame:
    with duckdb.connect(str(bi_file), read_only=True) as connection:
        return connection.execute(sql, list(params)).df(date_as_object=True)


def same_rows(shown: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(
        shown.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False, check_exact=False, rtol=1e-9
    )


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    """The one table shown whose columns include `column`."""
    frames = [element.value for element in at.dataframe if column in element.value.columns]
    assert len(frames) == 1, f"{len(frames)} tables with a {column} column"
    return frames[0]


@pytest.fixture()
def open_page(demo_bi, monkeypatch):
    monkeypatch.setenv(bi.BI_PATH_ENV, str(demo_bi))
    monkeypatch.delenv(data.WORKSPACE_ENV, raising=False)

    def run(page: str) -> AppTest:
        at = AppTest.from_file(str(VIEWS / f"{page}.py"), default_timeout=60).run()
        assert not at.exception, at.exception[0].message
        return at

    return run


def picked(at: AppTest) -> tuple[str, object, object]:
    start, end = at.sidebar.date_input(key="dates").value
    return at.sidebar.selectbox(key="workspace").value, start, end


def test_overview_cards_series_and_share_equal_the_marts(open_page, demo_bi):
    at = open_page("overview")
    workspace, start, end = picked(at)
    assert workspace == "w01"
    assert end == mart(demo_bi, "select max(revenue_date) from marts.revenue_daily where workspace_id = 'w01'").iloc[0, 0]
    cards = mart(demo_bi, "select source_type, net_revenue_last_30d, net_revenue_change from marts.revenue_rolling "
                          "where workspace_id = 'w01' and as_of_date = ?", end)
    shown = {metric.label: (metric.value, metric.delta) for metric in at.metric}
    for card in cards.itertuples():
        label = ("All sources" if card.source_type == "all" else card.source_type.capitalize()) + " (EUR)"
        value, delta = shown.pop(label)
        assert value == f"{card.net_revenue_last_30d:,.2f}" and delta.startswith(f"{card.net_revenue_change:+,.2f}")
    # the range's total and attributed share, from the revenue facts rather than the rollup
    facts = mart(demo_bi, "select sum(net_revenue), sum(net_revenue) filter (where source_type != 'unattributed') "
                          "from marts.fct_attributed_revenue where workspace_id = 'w01' and revenue_date between ? and ?",
                 start, end).iloc[0]
    assert shown.pop(f"Revenue {start:%Y-%m-%d} to {end:%Y-%m-%d}")[0] == f"{facts.iloc[0]:,.2f} EUR"
    assert shown.pop("Attributed share")[0] == f"{facts.iloc[1] / facts.iloc[0]:.1%}"
    assert not shown, f"cards without a mart row: {shown}"
    same_rows(frame_with(at, "source_type"), mart(
        demo_bi, "select revenue_date as period, source_type, sum(net_revenue) as revenue from marts.revenue_daily "
                 "where workspace_id = 'w01' and source_type != 'all' and revenue_date between ? and ? "
                 "group by all order by all", start, end))

    at.radio(key="grain").set_value("week")
    at.radio(key="stack").set_value("channel")
    at.radio(key="revenue_kind").set_value("gross").run()
    same_rows(frame_with(at, "channel"), mart(
        demo_bi, "select week_start_date as period, channel, sum(gross_revenue) as revenue from marts.revenue_weekly "
                 "where workspace_id = 'w01' and source_type != 'all' "
                 "and week_start_date between date_trunc('week', cast(? as date)) and ? group by all order by all",
        start, end))

    at.sidebar.selectbox(key="workspace").set_value("w02").run()
    assert not at.exception
    assert all(metric.label.endswith("(USD)") for metric in at.metric if "(" in metric.label)


def test_campaigns_table_funnel_recipients_orders_and_audience(open_page, demo_bi):
    at = open_page("campaigns")
    columns = frame_with(at, "campaign_name").columns
    same_rows(frame_with(at, "campaign_name"), mart(
        demo_bi, f"select {', '.join(columns)} from marts.campaign_performance where workspace_id = 'w01' "
                 "order by net_revenue desc, campaign_id"))
    campaign = mart(demo_bi, "select campaign_id from marts.campaign_performance where workspace_id = 'w01' "
                             "order by sends desc, campaign_id limit 1").iloc[0, 0]
    at.selectbox(key="campaign__w01").set_value(campaign).run()
    # the funnel from the message facts, not from the daily stats the page sums
    funnel = mart(demo_bi, "select count(*), count(*) filter (where is_delivered), count(*) filter (where is_viewed), "
                           "count(*) filter (where is_clicked), count(*) filter (where has_goal) "
                           "from marts.fct_message_funnel where workspace_id = 'w01' and campaign_id = ?", campaign).iloc[0]
    assert {m.label: m.value for m in at.metric} == dict(
        zip(["Sent", "Delivered", "Viewed", "Clicked", "Goal"], (f"{n:,}" for n in funnel)))
    assert list(frame_with(at, "messages_sent").contact_id) == list(mart(
        demo_bi, "select contact_id from marts.campaign_recipients where workspace_id = 'w01' and campaign_id = ? "
                 "order by contact_id", campaign).contact_id)
    orders = frame_with(at, "customer_phone_masked")
    expected = mart(demo_bi, f"select {', '.join(orders.columns)} from marts.campaign_orders "
                             "where workspace_id = 'w01' and campaign_id = ? order by order_date, order_id", campaign)
    same_rows(orders, expected)

    at.selectbox(key="audience_dimension").set_value("signup_source").run()
    audience = frame_with(at, "dimension_value")
    same_rows(audience, mart(
        demo_bi, f"select {', '.join(audience.columns)} from marts.audience_performance where workspace_id = 'w01' "
                 "and dimension = 'signup_source' order by revenue_per_send desc nulls last, dimension_value"))


def test_flows_table_funnel_and_orders(open_page, demo_bi):
    at = open_page("flows")
    _, start, end = picked(at)
    performance = frame_with(at, "flow_name")
    same_rows(performance, mart(demo_bi, f"select {', '.join(performance.columns)} from marts.flow_performance "
                                         "where workspace_id = 'w01' order by net_revenue desc, flow_id"))
    flow = at.selectbox(key="flow__w01").value
    sends = performance.set_index("flow_id").loc[flow, "sends"]
    assert at.metric[0].label == "Sent" and at.metric[0].value == f"{sends:,}"
    orders = frame_with(at, "touch_event_type")
    same_rows(orders, mart(demo_bi, f"select {', '.join(orders.columns)} from marts.fct_order_attribution "
                                    "where workspace_id = 'w01' and flow_id = ? and order_date between ? and ? "
                                    "order by order_date, order_id", flow, start, end))


def test_agents_revenue_and_share(open_page, demo_bi):
    at = open_page("agents")
    agents = frame_with(at, "helpdesk_revenue_share")
    same_rows(agents, mart(demo_bi, f"select {', '.join(agents.columns)} from marts.agent_performance "
                                    "where workspace_id = 'w01' order by net_revenue desc, agent_id"))
    # the totals from the orders themselves
    revenue, orders = mart(demo_bi, "select sum(gross_revenue), count(*) from marts.fct_order_attribution "
                                    "where workspace_id = 'w01' and source_type = 'helpdesk'").iloc[0]
    assert [metric.value for metric in at.metric] == [f"{revenue:,.2f} EUR", f"{int(orders):,}"]
    assert agents.helpdesk_revenue_share.sum() == pytest.approx(1.0)


def test_affiliate_offers_creatives_and_conversions(open_page, demo_bi):
    at = open_page("affiliate")
    _, start, end = picked(at)
    for key, table, order in (("offer_name", "offer_performance", "revenue desc, offer_id"),
                              ("creative_name", "creative_performance", "revenue desc, creative_id")):
        shown = frame_with(at, key)
        same_rows(shown, mart(demo_bi, f"select {', '.join(shown.columns)} from marts.{table} "
                                       f"where workspace_id = 'w01' order by {order}"))
    conversions = frame_with(at, "postback_id")
    assert len(conversions) == mart(demo_bi, "select count(*) from marts.fct_affiliate_conversions where workspace_id = 'w01' "
                                             "and conversion_date between ? and ?", start, end).iloc[0, 0] > 0
    assert conversions.revenue.sum() == pytest.approx(mart(
        demo_bi, "select sum(revenue) from marts.fct_affiliate_conversions where workspace_id = 'w01' "
                 "and conversion_date between ? and ?", start, end).iloc[0, 0])


def test_cohorts_triangle_and_summary(open_page, demo_bi):
    at = open_page("cohorts")
    cells = frame_with(at, "months_since_signup")
    same_rows(cells, mart(demo_bi, "select cohort_month, months_since_signup, cohort_size, "
                                   "cumulative_net_revenue_per_contact as revenue_per_contact, is_complete_month "
                                   "from marts.ltv_cohorts where workspace_id = 'w01' order by all"))
    summary = frame_with(at, "per_contact_30d")
    assert list(summary.per_contact_30d) == pytest.approx(list(mart(
        demo_bi, "select net_revenue_per_contact_30d from marts.ltv_cohort_summary where workspace_id = 'w01' "
                 "order by cohort_month").iloc[:, 0]), nan_ok=True)


def test_data_quality_rejections_stitching_and_freshness(open_page, demo_bi):
    at = open_page("data_quality")
    rejected = frame_with(at, "disposition")
    expected = mart(demo_bi, "select source_table, reason, disposition, count(*) as rows from marts.dq_rejected_rows "
                             "where workspace_id = 'w01' group by all")
    assert rejected.rows.sum() == expected.rows.sum() > 0
    same_rows(rejected.sort_values(["source_table", "reason", "disposition"]),
              expected.sort_values(["source_table", "reason", "disposition"]))
    rate = mart(demo_bi, "select stitch_rate from marts.stitching_summary where workspace_id = 'w01'").iloc[0, 0]
    assert at.metric[0].value == f"{rate:.1%}"
    freshness = frame_with(at, "freshness_status")
    same_rows(freshness, mart(demo_bi, f"select {', '.join(freshness.columns)} from marts.raw_table_freshness "
                                       "where workspace_id = 'w01' order by source_table"))


def test_a_scoped_dashboard_reads_only_its_workspace_file(demo_bi, monkeypatch):
    """Started for w02, every query of every page goes to w02's own BI file, which holds no other
    workspace's rows; the figures are those of the whole file's w02."""
    monkeypatch.setenv(bi.BI_PATH_ENV, str(demo_bi))
    monkeypatch.setenv(data.WORKSPACE_ENV, "w02")
    # every query the pages run, with the file it went to and its result
    ran: list[tuple[Path, str, pd.DataFrame]] = []
    read = data.read

    def logged(source: data.Source, sql: str, params: tuple = ()) -> pd.DataFrame:
        frame = read(source, sql, params)
        ran.append((source.path, sql, frame))
        return frame

    monkeypatch.setattr(data, "read", logged)
    scoped_file = bi.workspace_file(demo_bi, "w02")
    shown = {}
    for page in PAGES:
        at = AppTest.from_file(str(VIEWS / f"{page}.py"), default_timeout=60).run()
        assert not at.exception, (page, at.exception)
        assert at.sidebar.selectbox(key="workspace").options == ["w02 · Brooklyn Sneaker Co."]
        shown[page] = [metric.value for metric in at.metric]
    assert ran and {path for path, *_ in ran} == {scoped_file}
    for path, sql, frame in ran:
        if "workspace_id" in frame.columns:
            assert set(frame.workspace_id) <= {"w02"}, sql
    with duckdb.connect(str(scoped_file), read_only=True) as connection:
        for (table,) in connection.execute("select table_name from information_schema.tables where table_schema = 'marts'").fetchall():
            assert {row[0] for row in connection.execute(f"select distinct workspace_id from marts.{table}").fetchall()} <= {"w02"}

    # the same pages on the whole file, w02 picked: the same figures
    monkeypatch.delenv(data.WORKSPACE_ENV)
    for page in PAGES:
        at = AppTest.from_file(str(VIEWS / f"{page}.py"), default_timeout=60).run()
        at.sidebar.selectbox(key="workspace").set_value("w02").run()
        assert [metric.value for metric in at.metric] == shown[page], page


def test_nothing_published_says_what_to_run(tmp_path, monkeypatch):
    monkeypatch.setenv(bi.BI_PATH_ENV, str(tmp_path / "missing_bi.duckdb"))
    monkeypatch.delenv(data.WORKSPACE_ENV, raising=False)
    at = AppTest.from_file(str(VIEWS / "overview.py"), default_timeout=60).run()
    assert not at.exception
    assert "make build" in at.error[0].value and not at.metric
