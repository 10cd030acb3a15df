"""A new user's first hour: right after `make build`, what the Makefile runs passes on the demo.

The demo seeds end on a fixed day (2026-10-31), so every freshness check judges them as of their
own as-of (var `demo_as_of`), while real data, or the demo judged now, still fails, naming the
table and how old its newest row is. Lint is covered by test_sqlfluff.py.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, dbt_env, query

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def demo_copy(demo_warehouse, tmp_path_factory) -> Path:
    """A private copy of the demo build, so refreshing it disturbs no other test."""
    workdir = tmp_path_factory.mktemp("first_hour")
    db = workdir / "warehouse.duckdb"
    shutil.copy2(demo_warehouse, db)
    return db


def run(args: list[str], db: Path, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = dbt_env(db.parent)
    env.update(env_extra or {})
    return subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)


def test_the_demo_is_judged_as_of_its_own_last_day(demo_copy):
    assert query(demo_copy, "select judged_as_of, is_demo_data from intermediate.int_freshness_judged_as_of") == [
        (dt.datetime(2026, 11, 1), True)
    ]


def test_validate_passes_on_the_demo_without_options(demo_copy):
    result = run([sys.executable, "scripts/validate.py", "--db", str(demo_copy), "--quiet", "--no-record",
                  "--no-data-docs"], demo_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "as of 2026-11-01 00:00" in result.stdout


def test_validate_names_each_stale_workspace_and_its_age(demo_copy):
    result = run([sys.executable, "scripts/validate.py", "--db", str(demo_copy), "--quiet", "--no-record",
                  "--no-data-docs", "--as-of", "2026-11-11"], demo_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    stale = re.findall(r"stale: workspace (\w+): newest row of marts\.(\w+) at (\S+ \S+), ([\d.]+) days old",
                       result.stdout)
    workspaces = {row[0] for row in query(demo_copy, "select workspace_id from marts.stitching_summary")}
    assert {row[0] for row in stale} == workspaces
    for _, table, newest, age in stale:
        assert table in ("fct_order_attribution", "fct_affiliate_conversions")
        # the demo's last rows are on 2026-10-31, so ten to eleven days old on 11 November
        assert newest.startswith("2026-10-31") and 10 <= float(age) < 11


def test_source_freshness_passes_on_the_demo_and_fails_on_stale_data(demo_copy):
    fresh = run([sys.executable, "scripts/check_freshness.py"], demo_copy)
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "ERROR STALE" not in fresh.stdout

    # the same tables read as real data are judged now, weeks after the demo's last day
    stale = run([sys.executable, "scripts/check_freshness.py", "--vars", "{demo_seeds: false}"], demo_copy)
    assert stale.returncode == 1, stale.stdout + stale.stderr
    lines = dict(re.findall(r"^error: raw\.(\w+): (newest row at .*)$", stale.stdout, flags=re.M))
    assert {"shop_orders", "messages", "message_events"} <= set(lines)
    assert re.match(r"newest row at 2026-10-31 \d\d:\d\d, \d+\.\d days old", lines["shop_orders"])


def test_make_build_publishes_the_bi_file_that_exports_read(demo_copy, tmp_path):
    """`make build` ends with scripts/publish_bi.py: warehouse_bi.duckdb beside the warehouse
    holds the marts alone, and an export with no --db reads it."""
    recipe = re.search(r"^build:.*\n((?:\t.*\n)+)", (REPO / "Makefile").read_text(), flags=re.M)
    assert recipe and "scripts/publish_bi.py" in recipe.group(1)
    published = run([sys.executable, "scripts/publish_bi.py"], demo_copy)
    assert published.returncode == 0, published.stderr
    bi_file = demo_copy.with_name("warehouse_bi.duckdb")
    assert query(bi_file, "select distinct table_schema from information_schema.tables") == [("marts",)]
    out = tmp_path / "orders.csv"
    exported = run([sys.executable, "scripts/export_report.py", "--mart", "campaign_orders", "--workspace", "w01",
                    "--format", "csv", "--out", str(out)], demo_copy)
    assert exported.returncode == 0, exported.stderr
    rows = len(out.read_text().splitlines()) - 1
    assert rows == query(bi_file, "select count(*) from marts.campaign_orders where workspace_id = 'w01'")[0][0] > 0


def test_refresh_publishes_the_demo_without_options(demo_copy):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBT_")}
    env.update(DBT_PROFILES_DIR=str(REPO), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    before = query(demo_copy, "select count(*), sum(gross_revenue) from marts.fct_order_attribution")
    result = subprocess.run([sys.executable, "scripts/refresh.py", "--db", str(demo_copy), "--quiet"],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert re.search(r"done status=(published|current)", result.stdout + result.stderr)
    assert query(demo_copy, "select count(*), sum(gross_revenue) from marts.fct_order_attribution") == before


def test_docs_and_help_run(demo_copy):
    docs = run([str(Path(sys.executable).parent / "dbt"), "docs", "generate", "--quiet"], demo_copy)
    assert docs.returncode == 0, docs.stdout[-3000:]
    assert (demo_copy.parent / "target" / "catalog.json").exists()
    helped = subprocess.run(["make", "--no-print-directory", "help"], cwd=REPO, capture_output=True, text=True)
    assert helped.returncode == 0
    for target in ("build", "test", "refresh", "validate", "check-freshness", "lint", "docs"):
        assert re.search(rf"make {target}\s", helped.stdout), target
