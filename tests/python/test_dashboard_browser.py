"""The dashboard served by `streamlit run` and driven in chromium: every page renders without an
error, shows the marts' figures, follows its pickers, and downloads what it shows.

The AppTests (test_dashboard.py) check each page's figures inside Streamlit; this file checks what
a user's browser gets: the client-side rendering, the navigation by URL, the sidebar pickers, a
real download, and the dashboard scoped to one workspace. It also writes a full-page screenshot
of each page, into $MSGWH_SCREENSHOTS when set (`make screenshots`: docs/dashboard/*.png).

Needs chromium (`make browser` installs Debian's; Playwright's own browser download is not used).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from msgwh import bi
from msgwh.dashboard import data

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "msgwh" / "dashboard" / "app.py"
STREAMLIT = Path(sys.executable).parent / "streamlit"
CHROMIUM = shutil.which("chromium")

if CHROMIUM is None:
    pytest.skip("chromium not found: run `make browser` (installs Debian's chromium) to run the dashboard's "
                "browser test", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: run `make setup`")
expect = sync_api.expect
# the longest a page or a rerun may take to show what is expected (a cold first query included)
expect.set_options(timeout=30_000)

pytestmark = pytest.mark.dbt

ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
PAGES = {  # url path -> title
    "/": "Overview",
    "/campaigns": "Campaigns",
    "/flows": "Flows",
    "/agents": "Helpdesk agents",
    "/affiliate": "Affiliate",
    "/cohorts": "Cohorts",
    "/data-quality": "Data quality",
}


# --- the server, the browser and the marts ---------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def dashboard(bi_file: Path, log: Path, workspace: str | None = None) -> Iterator[str]:
    """`streamlit run` of the dashboard on a free port, as `make dashboard` starts it; its base URL."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key != data.WORKSPACE_ENV}
    env[bi.BI_PATH_ENV] = str(bi_file)
    if workspace is not None:
        env[data.WORKSPACE_ENV] = workspace
    command = [
        str(STREAMLIT), "run", str(APP), "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        # files edited while the test runs must not make the app offer a rerun
        "--server.fileWatcherType", "none",
    ]
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.read().strip() == b"ok":
                        break
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit did not answer {base}/_stcore/health within 60 s:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(demo_bi, tmp_path_factory) -> Iterator[str]:
    """The dashboard of every workspace, reading the demo's BI file."""
    with dashboard(demo_bi, tmp_path_factory.mktemp("streamlit") / "streamlit.log") as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    configured = os.environ.get("MSGWH_SCREENSHOTS")
    folder = Path(configured).resolve() if configured else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def mart(bi_file: Path, sql: str, *params: object) -> list[tuple]:
    with duckdb.connect(str(bi_file), read_only=True) as connection:
        return connection.execute(sql, list(params)).fetchall()


def workspaces(bi_file: Path) -> list[tuple[str, str, str]]:
    """(id, name, currency) of each workspace, in the picker's order."""
    return mart(bi_file, "select workspace_id, workspace_name, currency from marts.dim_workspaces order by workspace_id")


def default_range(bi_file: Path, workspace: str) -> tuple[dt.date, dt.date]:
    """The date range the pickers start with: the workspace's last 90 days of revenue."""
    first, last = mart(bi_file, "select min(revenue_date), max(revenue_date) from marts.revenue_daily "
                                "where workspace_id = ?", workspace)[0]
    return max(first, last - dt.timedelta(days=89)), last


# --- what the browser shows --------------------------------------------------------------------

# Streamlit renders client-side: after the script run ends, tables and charts load lazily (a
# skeleton first), then size themselves. Rendered means: the run has ended, no skeleton is left,
# every chart has drawn and every table has its grid, and the page's height has held for 300 ms.
RENDERED = """() => {
    const app = document.querySelector('[data-testid=stApp]');
    const main = document.querySelector('[data-testid=stMain]');
    const all = selector => [...document.querySelectorAll(selector)];
    const ready = app && main && app.dataset.testScriptState === 'notRunning'
        && !document.querySelector('[data-testid=stSkeleton]')
        && all('[data-testid=stVegaLiteChart]').every(chart => chart.querySelector('svg.marks, canvas'))
        && all('[data-testid=stDataFrame]').every(frame => frame.querySelector('table[role=grid]'));
    const height = ready ? main.scrollHeight : -1, now = performance.now(), last = window.__msgwhLayout;
    if (!last || last.height !== height) {
        window.__msgwhLayout = {height: height, since: now};
        return false;
    }
    return ready && now - last.since >= 300;
}"""


def settle(page) -> None:
    """Wait until the page has rendered (RENDERED), its height steady from now on."""
    page.evaluate("() => { window.__msgwhLayout = undefined; }")
    page.wait_for_function(RENDERED, polling=100)


def no_error(page) -> None:
    errors = page.locator(ERRORS)
    texts = errors.all_inner_texts()
    assert not texts, f"{page.url} shows an error:\n" + "\n---\n".join(texts)


def open_page(page, base: str, path: str):
    """Open a page by its URL and wait until it has rendered, without an error."""
    page.goto(base + path)
    expect(page.locator("h1")).to_have_text(PAGES[path])
    # the script stops at the title when the BI file is missing: wait for the pickers (or the error)
    page.locator(f'[data-testid="stSidebar"] [data-testid="stDateInput"], {ERRORS}').first.wait_for()
    settle(page)
    no_error(page)
    return page


def screenshot(page, folder: Path, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main container, so the viewport is made as tall
    as the content for the shot."""
    size = page.viewport_size
    height = page.evaluate(
        """() => Math.max(...['[data-testid=stMain]', '[data-testid=stAppViewContainer]', 'html']
                 .map(s => document.querySelector(s)).filter(Boolean).map(e => e.scrollHeight))"""
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(height, size["height"]), 12_000)})
    settle(page)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.set_viewport_size(size)


def metric(page, label: str):
    """The value of the metric whose label is exactly `label`."""
    labels = page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    return page.get_by_test_id("stMetric").filter(has=labels).get_by_test_id("stMetricValue")


def grid(page, index: int = 0):
    """The accessible table of the index-th dataframe: aria-rowcount counts the header row too."""
    return page.get_by_test_id("stDataFrame").nth(index).locator('table[role="grid"]')


def shown_rows(table) -> int:
    return int(table.get_attribute("aria-rowcount")) - 1


def rerun(page, action) -> None:
    """Do `action` (an interaction that reruns the script) and wait until that rerun has rendered.

    A MutationObserver, installed before the action, counts the changes of the script state, so
    a rerun too quick to be polled is seen too, and what the last run left on the page is never
    taken for the new run's result."""
    page.evaluate("""() => {
        const app = document.querySelector('[data-testid=stApp]');
        window.__msgwhRuns?.observer.disconnect();
        const runs = {changes: 0};
        runs.observer = new MutationObserver(records => { runs.changes += records.length; });
        runs.observer.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
        window.__msgwhRuns = runs;
    }""")
    action()
    page.wait_for_function("() => window.__msgwhRuns.changes > 0")
    settle(page)


def choose(page, picker: str, option: str) -> None:
    """Pick `option` in the selectbox labelled `picker`."""
    box = page.get_by_role("combobox", name=picker, exact=True)
    box.click()
    rerun(page, page.get_by_role("option", name=option, exact=True).click)
    expect(box).to_have_value(option)


def radio(page, label: str, option: str) -> None:
    rerun(page, page.get_by_test_id("stRadio").filter(has_text=label).get_by_text(option, exact=True).click)


def same(cell: str, value: object) -> bool:
    """A CSV cell (msgwh/export.py's writing) holds the mart's value."""
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return cell == str(value)
    if isinstance(value, (int, float, Decimal)):
        return cell != "" and math.isclose(float(cell), float(value), rel_tol=1e-9, abs_tol=1e-9)
    if isinstance(value, dt.datetime):
        return dt.datetime.fromisoformat(cell) == value
    if isinstance(value, dt.date):
        return cell[:10] == value.isoformat()
    return cell == str(value)


# --- the pages ---------------------------------------------------------------------------------

def test_overview_cards_follow_the_workspace_and_the_period(server, page, demo_bi, screenshots):
    (first, first_name, first_currency), (other, other_name, other_currency) = workspaces(demo_bi)[:2]
    open_page(page, server, "/")
    screenshot(page, screenshots, "overview")

    def expect_figures(workspace: str, name: str, currency: str) -> None:
        expect(page.get_by_role("combobox", name="Workspace", exact=True)).to_have_value(f"{workspace} · {name}")
        expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Amounts in {currency}")
        start, end = default_range(demo_bi, workspace)
        [(last_30d,)] = mart(demo_bi, "select net_revenue_last_30d from marts.revenue_rolling where workspace_id = ? "
                                      "and source_type = 'all' and as_of_date = (select max(as_of_date) "
                                      "from marts.revenue_rolling where workspace_id = ?)", workspace, workspace)
        expect(metric(page, f"All sources ({currency})")).to_have_text(f"{last_30d:,.2f}")
        [(total,)] = mart(demo_bi, "select sum(net_revenue) from marts.fct_attributed_revenue "
                                   "where workspace_id = ? and revenue_date between ? and ?", workspace, start, end)
        expect(metric(page, f"Revenue {start:%Y-%m-%d} to {end:%Y-%m-%d}")).to_have_text(f"{total:,.2f} {currency}")

    expect_figures(first, first_name, first_currency)
    choose(page, "Workspace", f"{other} · {other_name}")
    expect_figures(other, other_name, other_currency)
    settle(page)
    no_error(page)

    # weeks: the table holds one row per Monday week (overlapping the range) and source type
    start, end = default_range(demo_bi, other)
    weeks = mart(demo_bi, "select week_start_date, source_type from marts.revenue_weekly where workspace_id = ? "
                          "and source_type != 'all' and week_start_date between ? and ? group by all order by all",
                 other, start - dt.timedelta(days=start.weekday()), end)
    radio(page, "Period", "week")
    expect(page.get_by_role("heading", name=f"Net revenue per week ({other_currency})")).to_be_visible()
    expect(grid(page)).to_have_attribute("aria-rowcount", str(len(weeks) + 1))
    expect(grid(page).locator('td[aria-colindex="2"]').first).to_have_text(weeks[0][1])
    settle(page)
    no_error(page)

    # the pickers hold across pages: the sidebar's link to the agents keeps the workspace
    rerun(page, page.get_by_test_id("stSidebarNav").get_by_role("link", name="Helpdesk agents").click)
    expect(page).to_have_url(re.compile(r"/agents$"))
    expect(page.locator("h1")).to_have_text("Helpdesk agents")
    expect(page.get_by_role("combobox", name="Workspace", exact=True)).to_have_value(f"{other} · {other_name}")
    [(gross,)] = mart(demo_bi, "select sum(gross_revenue) from marts.agent_performance where workspace_id = ?", other)
    expect(metric(page, "Helpdesk revenue (gross)")).to_have_text(f"{gross:,.2f} {other_currency}")
    settle(page)
    no_error(page)


def test_campaigns_funnel_follows_the_campaign(server, page, demo_bi, screenshots):
    workspace = workspaces(demo_bi)[0][0]
    campaigns = mart(demo_bi, "select campaign_id, campaign_name from marts.campaign_performance where workspace_id = ? "
                              "order by net_revenue desc, campaign_id", workspace)
    open_page(page, server, "/campaigns")
    screenshot(page, screenshots, "campaigns")
    expect(grid(page, 0)).to_have_attribute("aria-rowcount", str(len(campaigns) + 1))
    expect(grid(page, 0).locator('td[aria-colindex="1"]').first).to_have_text(campaigns[0][0])

    def funnel(campaign: str) -> tuple[int, ...]:
        return mart(demo_bi, "select sum(sent), sum(delivered), sum(viewed), sum(clicked), sum(goal) "
                             "from marts.campaign_daily_stats where workspace_id = ? and campaign_id = ?",
                    workspace, campaign)[0]

    def expect_funnel(campaign: str) -> None:
        for label, value in zip(("Sent", "Delivered", "Viewed", "Clicked", "Goal"), funnel(campaign)):
            expect(metric(page, label)).to_have_text(f"{value or 0:,}")

    expect_funnel(campaigns[0][0])
    # another campaign of the first options (the list is virtual) whose funnel differs from the first's
    other = next(campaign for campaign in campaigns[1:5] if funnel(campaign[0]) != funnel(campaigns[0][0]))
    choose(page, "Campaign", f"{other[1]} ({other[0]})")
    expect_funnel(other[0])
    settle(page)
    no_error(page)


def test_flows_funnel_equals_the_message_funnel(server, page, demo_bi, screenshots):
    workspace = workspaces(demo_bi)[0][0]
    flows = mart(demo_bi, "select flow_id from marts.flow_performance where workspace_id = ? "
                          "order by net_revenue desc, flow_id", workspace)
    open_page(page, server, "/flows")
    screenshot(page, screenshots, "flows")
    expect(grid(page, 0)).to_have_attribute("aria-rowcount", str(len(flows) + 1))
    steps = mart(demo_bi, "select count(*), count(*) filter (where is_delivered), count(*) filter (where is_viewed), "
                          "count(*) filter (where is_clicked), count(*) filter (where has_goal) "
                          "from marts.fct_message_funnel where workspace_id = ? and flow_id = ?", workspace, flows[0][0])[0]
    for label, value in zip(("Sent", "Delivered", "Viewed", "Clicked", "Goal"), steps):
        expect(metric(page, label)).to_have_text(f"{value:,}")


def test_agents_totals_and_csv_download_equal_the_mart(server, page, demo_bi, screenshots, tmp_path):
    workspace, _, currency = workspaces(demo_bi)[0]
    columns = ("agent_id, agent_name, team, channel, links_shared, customers_reached, customers_clicked, "
               "customers_purchased, attributed_orders, gross_revenue, net_revenue, conversion_rate, "
               "helpdesk_revenue_share")
    agents = mart(demo_bi, f"select {columns} from marts.agent_performance where workspace_id = ? "
                           "order by net_revenue desc, agent_id", workspace)
    assert agents, "the demo's first workspace has helpdesk agents"
    open_page(page, server, "/agents")
    screenshot(page, screenshots, "agents")
    [(gross, orders)] = mart(demo_bi, "select sum(gross_revenue), sum(attributed_orders) "
                                      "from marts.agent_performance where workspace_id = ?", workspace)
    expect(metric(page, "Helpdesk revenue (gross)")).to_have_text(f"{gross:,.2f} {currency}")
    expect(metric(page, "Helpdesk orders")).to_have_text(f"{orders:,}")

    with page.expect_download() as download:
        page.get_by_test_id("stDownloadButton").filter(has_text="Download CSV").first.click()
    assert download.value.suggested_filename == "agent_performance.csv"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with saved.open(newline="", encoding="utf-8") as handle:
        header, *rows = list(csv.reader(handle))

    # the file holds the mart's rows, in the table's order
    assert header == [column.strip() for column in columns.split(",")]
    assert len(rows) == len(agents)
    for row, expected in zip(rows, agents):
        assert all(same(cell, value) for cell, value in zip(row, expected, strict=True)), (row, expected)
    # and what the table shows: as many rows, the same first columns, the same agents on top
    table = grid(page)
    assert shown_rows(table) == len(rows)
    shown_header = table.locator("th").all_inner_texts()
    assert shown_header and shown_header == header[:len(shown_header)]
    shown_ids = table.locator('td[aria-colindex="1"]').all_inner_texts()
    assert shown_ids and shown_ids == [row[0] for row in rows[:len(shown_ids)]]


def test_affiliate_offers_equal_the_mart(server, page, demo_bi, screenshots):
    workspace = workspaces(demo_bi)[0][0]
    offers = mart(demo_bi, "select offer_id from marts.offer_performance where workspace_id = ? "
                           "order by revenue desc, offer_id", workspace)
    open_page(page, server, "/affiliate")
    screenshot(page, screenshots, "affiliate")
    expect(grid(page, 0)).to_have_attribute("aria-rowcount", str(len(offers) + 1))
    shown = grid(page, 0).locator('td[aria-colindex="1"]').all_inner_texts()  # the rows in view
    assert shown and shown == [offer for offer, in offers][:len(shown)]


def test_cohorts_follow_the_revenue_kind(server, page, demo_bi, screenshots):
    workspace, _, currency = workspaces(demo_bi)[0]
    [(cells,)] = mart(demo_bi, "select count(*) from marts.ltv_cohorts where workspace_id = ?", workspace)
    [(months,)] = mart(demo_bi, "select count(*) from marts.ltv_cohort_summary where workspace_id = ?", workspace)
    open_page(page, server, "/cohorts")
    screenshot(page, screenshots, "cohorts")
    expect(page.get_by_role("heading", name=f"Cumulative net revenue per contact ({currency})")).to_be_visible()
    expect(grid(page, 0)).to_have_attribute("aria-rowcount", str(cells + 1))
    expect(grid(page, 1)).to_have_attribute("aria-rowcount", str(months + 1))
    radio(page, "Revenue", "gross")
    expect(page.get_by_role("heading", name=f"Cumulative gross revenue per contact ({currency})")).to_be_visible()
    settle(page)
    no_error(page)


def test_data_quality_rates_and_tables_equal_the_marts(server, page, demo_bi, screenshots):
    workspace = workspaces(demo_bi)[0][0]
    page.goto(server + "/data-quality")
    expect(page.locator("h1")).to_have_text("Data quality")
    settle(page)
    # the shot first: it documents the page even when the check below fails
    screenshot(page, screenshots, "data-quality")
    no_error(page)
    [(contacts, customers, orders)] = mart(demo_bi, "select stitch_rate, customer_stitch_rate, order_stitch_rate "
                                                    "from marts.stitching_summary where workspace_id = ?", workspace)
    for label, rate in (("Contacts stitched", contacts), ("Customers stitched", customers), ("Orders stitched", orders)):
        expect(metric(page, label)).to_have_text("–" if rate is None else f"{rate:.1%}")
    [(fresh,)] = mart(demo_bi, "select count(*) from marts.raw_table_freshness where workspace_id = ?", workspace)
    [(reasons,)] = mart(demo_bi, "select count(*) from (select distinct source_table, reason, disposition "
                                 "from marts.dq_rejected_rows where workspace_id = ?)", workspace)
    expect(grid(page, 0)).to_have_attribute("aria-rowcount", str(fresh + 1))
    expect(grid(page, 1)).to_have_attribute("aria-rowcount", str(reasons + 1))


def test_scoped_dashboard_shows_one_workspace_only(demo_bi, page, tmp_path):
    everyone = workspaces(demo_bi)
    workspace, name, currency = everyone[1]
    label = f"{workspace} · {name}"
    others = [(other, other_name) for other, other_name, _ in everyone if other != workspace]
    with dashboard(demo_bi, tmp_path / "streamlit.log", workspace=workspace) as base:
        open_page(page, base, "/")
        picker = page.get_by_role("combobox", name="Workspace", exact=True)
        expect(picker).to_have_value(label)
        # the picker offers this workspace alone: it is disabled, or its list has one entry
        if picker.is_enabled():
            picker.click()
            expect(page.get_by_role("option")).to_have_count(1)
            page.keyboard.press("Escape")
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar).to_contain_text(f"Amounts in {currency}")
        expect(sidebar).to_contain_text(f"Source: {bi.workspace_file(demo_bi, workspace).name}")
        [(last_30d,)] = mart(demo_bi, "select net_revenue_last_30d from marts.revenue_rolling where workspace_id = ? "
                                      "and source_type = 'all' and is_latest_date", workspace)
        expect(metric(page, f"All sources ({currency})")).to_have_text(f"{last_30d:,.2f}")
        for path in PAGES:
            if path != "/":
                open_page(page, base, path)
            # what the page shows: its text and the picker's value
            shown = page.locator("body").inner_text() + "\n" + picker.input_value()
            assert label in shown
            leaked = [other_name for other, other_name in others if other_name in shown or f"{other} ·" in shown]
            assert not leaked, f"{path} of the dashboard of {workspace} shows {leaked}"
