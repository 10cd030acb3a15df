"""The GX checkpoint (scripts/validate.py, msgwh/validation.py) passes on the demo build and
fails, naming the expectation, on a copy of it that was broken on purpose."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from msgwh import validation
from tests.conftest import REPO, load_script

validate_script = load_script(REPO / "scripts" / "validate.py")

DEMO_AS_OF = "2026-11-01T00:00:00"  # the demo seeds end on 2026-10-31


def _run(tmp_path: Path, db: Path, *extra: str) -> tuple[int, dict]:
    """scripts/validate.py in process; returns the exit code and the JSON report."""
    report = tmp_path / "report.json"
    args = [
        "--db", str(db), "--as-of", DEMO_AS_OF, "--state", str(tmp_path / "state.json"),
        "--report", str(report), "--no-data-docs", "--quiet", *extra,
    ]
    code = validate_script.main(args)
    return code, json.loads(report.read_text())


def _failed(report: dict) -> dict[str, list[str]]:
    return {
        suite["name"]: [item["expectation_type"] for item in suite["failed_expectations"]]
        for suite in report["suites"]
        if not suite["success"]
    }


# --------------------------------------------------------------------------------------
# Pure helpers
# --------------------------------------------------------------------------------------


def test_row_count_bounds():
    assert validation.row_count_bounds(None, 0.5) == (0, None)
    assert validation.row_count_bounds(0, 0.5) == (0, None)
    assert validation.row_count_bounds(100, 0.5) == (50, 150)
    assert validation.row_count_bounds(3, 0.5) == (1, 5)
    assert validation.row_count_bounds(10, 0.0) == (10, 10)


def test_state_is_kept_per_database(tmp_path: Path):
    state = tmp_path / "state.json"
    as_of = dt.datetime(2026, 11, 1)
    assert validation.load_state(state, "/a.duckdb") is None
    validation.save_state(state, "/a.duckdb", {"m": 10}, as_of)
    validation.save_state(state, "/b.duckdb", {"m": 99}, as_of)
    assert validation.load_state(state, "/a.duckdb") == {"m": 10}
    assert validation.load_state(state, "/b.duckdb") == {"m": 99}
    state.write_text("not json")
    assert validation.load_state(state, "/a.duckdb") is None


def test_freshness_uses_orders_then_conversions():
    orders = pd.DataFrame({
        "workspace_id": ["w1", "w1", "w2"],
        "created_at": pd.to_datetime(["2026-10-01 00:00", "2026-10-30 12:00", "2026-10-20 00:00"]),
    })
    conversions = pd.DataFrame({
        "workspace_id": ["w2", "w3", "w3"],
        "converted_at": pd.to_datetime(["2026-10-31 00:00", None, "2026-10-29 00:00"]),
        "conversion_date": pd.to_datetime(["2026-10-31", "2026-10-30", "2026-10-29"]),
    })
    frame = validation.order_freshness(orders, conversions, dt.datetime(2026, 11, 1))
    ages = dict(zip(frame["workspace_id"], frame["age_days"]))
    assert ages == {"w1": 1.5, "w2": 12.0, "w3": 2.0}  # w2 is judged by its orders; w3 (publisher) by a manual import
    empty = validation.order_freshness(orders.iloc[:0], None, dt.datetime(2026, 11, 1))
    assert list(empty.columns)[-1] == "age_days" and len(empty) == 0


def test_reconciliation_differences():
    frames = {
        "fct_order_attribution": pd.DataFrame({
            "workspace_id": ["w1", "w1"], "gross_revenue": [10.0, 5.0], "net_revenue": [10.0, 0.0],
            "is_attributed": [True, False],
        }),
        "fct_affiliate_conversions": pd.DataFrame({
            "workspace_id": ["w1"], "revenue": [2.5], "is_attributed": [True],
        }),
        "fct_attributed_revenue": pd.DataFrame({
            "workspace_id": ["w1"] * 3, "revenue_source": ["shop_order", "shop_order", "affiliate"],
            "gross_revenue": [10.0, 5.0, 2.5], "net_revenue": [10.0, 0.0, 2.5], "is_attributed": [True, False, True],
        }),
        "revenue_daily": pd.DataFrame({"workspace_id": ["w1"], "gross_revenue": [17.5], "net_revenue": [12.5]}),
    }
    frame = validation.revenue_reconciliation(frames)
    differences = ["gross_difference", "net_difference", "attributed_difference", "rollup_difference"]
    assert frame[differences].abs().max().max() == 0
    frames["fct_attributed_revenue"].loc[1, "is_attributed"] = True  # an order credited in one fact only
    frame = validation.revenue_reconciliation(frames)
    assert frame.loc[0, "attributed_difference"] == 5.0 and frame.loc[0, "gross_difference"] == 0


def test_parse_timestamp():
    assert validate_script.parse_timestamp("2026-11-01") == dt.datetime(2026, 11, 1)
    assert validate_script.parse_timestamp("2026-11-01T02:00:00+02:00") == dt.datetime(2026, 11, 1)
    assert validate_script.parse_timestamp("2026-11-01T00:00:00Z") == dt.datetime(2026, 11, 1)


def test_help():
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "validate.py"), "--help"], capture_output=True, text=True,
        check=True,
    )
    for option in ("--db", "--as-of", "--state", "--max-row-change", "--max-order-age-days", "--report"):
        assert option in result.stdout


# --------------------------------------------------------------------------------------
# The suites agree with the dbt YAML
# --------------------------------------------------------------------------------------


def _mart_yaml_models() -> dict[str, dict]:
    models = {}
    for path in sorted((REPO / "models" / "marts").glob("*/_*__models.yml")):
        for model in yaml.safe_load(path.read_text()).get("models", []):
            models[model["name"]] = model
    return models


def _arguments(test: dict) -> dict:
    (body,) = test.values()
    return (body or {}).get("arguments", body or {})


def _rendered(value):
    """A test argument written as "{{ var('name') }}", resolved to the var's default in dbt_project.yml."""
    if isinstance(value, str) and (match := re.fullmatch(r"\{\{\s*var\('(\w+)'\)\s*\}\}", value.strip())):
        return yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"][match.group(1)]
    return value


def test_every_mart_has_a_suite():
    marts = {path.stem for path in (REPO / "models" / "marts").glob("*/*.sql")}
    assert marts == set(validation.MART_NAMES)


def test_suites_mirror_the_yaml_grain_and_accepted_values():
    specs = {spec.name: spec for spec in validation.MARTS}
    for name, model in _mart_yaml_models().items():
        spec = specs[name]
        for test in model.get("data_tests") or []:
            if isinstance(test, dict) and "unique_combination_of_columns" in test:
                assert tuple(_arguments(test)["combination_of_columns"]) == spec.grain, name
        for column in model.get("columns") or []:
            for test in column.get("data_tests") or []:
                if test == "unique":
                    assert spec.grain == (column["name"],), name
                if isinstance(test, dict) and "accepted_values" in test:
                    values = set(_rendered(_arguments(test)["values"]))
                    assert column["name"] in spec.allowed, f"{name}.{column['name']} has no allowed-values expectation"
                    assert set(spec.allowed[column["name"]]) == values, f"{name}.{column['name']}"


# --------------------------------------------------------------------------------------
# Against the demo build
# --------------------------------------------------------------------------------------

@pytest.mark.dbt
def test_every_named_column_exists_in_the_demo_marts(demo_warehouse: Path):
    with duckdb.connect(str(demo_warehouse), read_only=True) as conn:
        columns = {
            (table, column)
            for table, column in conn.execute(
                "select table_name, column_name from information_schema.columns where table_schema = 'marts'"
            ).fetchall()
        }
    for spec in validation.MARTS:
        for column in (*spec.columns, *validation.DERIVED_COLUMNS.get(spec.name, ())):
            assert (spec.name, column) in columns, f"{spec.name}.{column}"


@pytest.mark.dbt
def test_demo_passes_and_records_row_counts(demo_warehouse: Path, tmp_path: Path):
    result = subprocess.run(
        [
            sys.executable, str(REPO / "scripts" / "validate.py"), "--db", str(demo_warehouse),
            "--as-of", DEMO_AS_OF, "--state", str(tmp_path / "state.json"),
            "--report", str(tmp_path / "validation" / "report.json"),
            "--data-docs", str(tmp_path / "validation" / "data_docs"),
        ],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = [line for line in result.stdout.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(lines) == len(validation.MARTS) + 2 and all(line.startswith("PASS") for line in lines)
    report = json.loads((tmp_path / "validation" / "report.json").read_text())
    assert report["success"] and {s["name"] for s in report["suites"]} >= {"order_freshness", "revenue_reconciliation"}
    assert (tmp_path / "validation" / "data_docs" / "index.html").exists()
    state = json.loads((tmp_path / "state.json").read_text())
    (entry,) = state["databases"].values()
    assert entry["row_counts"]["fct_order_attribution"] > 0

    # the second run compares with the first and still passes
    code, report = _run(tmp_path, demo_warehouse)
    assert code == 0
    assert report["settings"]["previous_row_counts"]["fct_order_attribution"] == entry["row_counts"][
        "fct_order_attribution"
    ]


@pytest.fixture
def broken_copy(demo_warehouse: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "broken.duckdb"
    shutil.copy(demo_warehouse, copy)
    return copy


@pytest.mark.dbt
def test_broken_marts_fail_naming_the_expectation(broken_copy: Path, tmp_path: Path, capsys):
    with duckdb.connect(str(broken_copy)) as conn:
        # the validator checks whatever file it is given: these two lose the build's
        # constraints (not null, accepted values), which would refuse the rows below
        for table in ("marts.fct_message_funnel", "marts.dim_contacts"):
            conn.execute(f"create or replace table {table} as select * from {table}")
        # a duplicated order (grain) that also inflates order revenue (reconciliation)
        conn.execute("insert into marts.fct_order_attribution select * from marts.fct_order_attribution limit 1")
        # negative revenue
        conn.execute(
            "update marts.campaign_performance set gross_revenue = -1 "
            "where campaign_id = (select min(campaign_id) from marts.campaign_performance)"
        )
        # a rate above 1 and an unknown enumeration value
        conn.execute("update marts.stitching_summary set stitch_rate = 1.5")
        conn.execute(
            "update marts.fct_message_funnel set channel = 'telegram' "
            "where message_id = (select min(message_id) from marts.fct_message_funnel)"
        )
        # a null key
        conn.execute(
            "update marts.dim_contacts set contact_id = null "
            "where contact_id = (select min(contact_id) from marts.dim_contacts)"
        )
    code, report = _run(tmp_path, broken_copy)
    out = capsys.readouterr().out
    assert code == 1
    failed = _failed(report)
    assert set(failed) == {
        "fct_order_attribution", "campaign_performance", "stitching_summary", "fct_message_funnel", "dim_contacts",
        "revenue_reconciliation",
    }
    assert failed["fct_order_attribution"] == ["expect_compound_columns_to_be_unique"]
    assert failed["campaign_performance"] == ["expect_column_values_to_be_between"]
    assert failed["stitching_summary"] == ["expect_column_values_to_be_between"]
    assert failed["fct_message_funnel"] == ["expect_column_values_to_be_in_set"]
    assert "expect_column_values_to_not_be_null" in failed["dim_contacts"]
    assert set(failed["revenue_reconciliation"]) == {"expect_column_values_to_be_between"}
    # the duplicated order shows in the gross and net totals, not in the rollup of the untouched facts
    reconciliation = next(s for s in report["suites"] if s["name"] == "revenue_reconciliation")
    columns = {item["kwargs"]["column"] for item in reconciliation["failed_expectations"]}
    assert "gross_difference" in columns
    lines = {line.split()[1]: line for line in out.splitlines() if line.startswith("FAIL")}
    assert "expect_compound_columns_to_be_unique(workspace_id,order_id)" in lines["fct_order_attribution"]
    assert "expect_column_values_to_be_between(gross_revenue)" in lines["campaign_performance"]
    assert "telegram" in lines["fct_message_funnel"]
    assert "1 suite(s) failed" not in out and "6 suite(s) failed" in out
    # a failed run does not move the row-count baseline
    assert not (tmp_path / "state.json").exists()


@pytest.mark.dbt
def test_stale_orders_fail_freshness(demo_warehouse: Path, tmp_path: Path):
    code, report = _run(tmp_path, demo_warehouse, "--as-of", "2026-11-23T12:00:00")
    assert code == 1
    assert _failed(report) == {"order_freshness": ["expect_column_values_to_be_between"]}
    ages = {row["workspace_id"]: row["age_days"] for row in report["derived_frames"]["order_freshness"]}
    assert min(ages.values()) > 20


@pytest.mark.dbt
def test_row_count_change_beyond_the_bound_fails(demo_warehouse: Path, tmp_path: Path):
    state = tmp_path / "state.json"
    with duckdb.connect(str(demo_warehouse), read_only=True) as conn:
        orders = conn.execute("select count(*) from marts.fct_order_attribution").fetchone()[0]
        funnel = conn.execute("select count(*) from marts.fct_message_funnel").fetchone()[0]
    key = str(demo_warehouse.resolve())
    # last run had 3x the orders (now -67 %) and 1.4x the messages (now -29 %, within 50 %)
    validation.save_state(state, key, {"fct_order_attribution": orders * 3, "fct_message_funnel": int(funnel * 1.4)},
                          dt.datetime(2026, 10, 31))
    before = state.read_text()
    code, report = _run(tmp_path, demo_warehouse)
    assert code == 1
    assert _failed(report) == {"fct_order_attribution": ["expect_table_row_count_to_be_between"]}
    assert state.read_text() == before
    # a wider bound accepts it and records the new counts
    code, _ = _run(tmp_path, demo_warehouse, "--max-row-change", "0.7")
    assert code == 0
    assert validation.load_state(state, key)["fct_order_attribution"] == orders


def test_missing_database_is_an_error(tmp_path: Path):
    assert validate_script.main(["--db", str(tmp_path / "nope.duckdb"), "--quiet"]) == 2
