"""scripts/benchmark.py helpers: the last-day split, the floor, memory measurement, node times, the document."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from tests.conftest import load_script

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "benchmark.py"


benchmark = load_script(SCRIPT)


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("raw") / "raw"
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_data.py"), "--out", str(out), "--contacts", "400",
         "--days", "30", "--seed", "5", "--format", "parquet", "--threads", "2"],
        check=True, capture_output=True,
    )
    return out


def test_split_lands_all_but_the_last_day_then_the_last_day_as_new_files(raw, tmp_path):
    landing, last_day = tmp_path / "landing", tmp_path / "last_day"
    held = benchmark.split_last_day(raw, landing, last_day, benchmark.dt.date(2026, 10, 31))
    assert held["message_events"][1] > 0 and held["workspaces"][1] == 0
    assert not (last_day / "workspaces").exists()
    for table, (total, held_back) in held.items():
        kept = duckdb.sql(f"select count(*) from '{landing / table}/part-0000.parquet'").fetchone()[0]
        assert kept + held_back == total
        column = benchmark.ARRIVAL_COLUMN.get(table)
        if column:
            on_last_day = duckdb.sql(
                f"select count(*) from '{landing / table}/part-0000.parquet' "
                f"where cast({column} as date) = date '2026-10-31'"
            ).fetchone()[0]
            assert on_last_day == 0, table
    assert benchmark.land(last_day, landing) == sum(1 for _, late in held.values() if late)
    # the floor reads landing folders as dbt does: every file of each table's folder
    assert benchmark.raw_files(landing) == {table: f"{landing / table}/*.parquet" for table in sorted(held)}
    for table, (total, _) in held.items():
        assert duckdb.sql(f"select count(*) from '{landing / table}/*.parquet'").fetchone()[0] == total


def test_floor_loads_every_raw_file_into_tables_then_attributes_some_orders(raw, tmp_path, capsys):
    db = tmp_path / "floor.duckdb"
    assert benchmark.floor_main(str(raw), str(db), "2", "1GB") == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["tables"] == len(benchmark.RAW_TABLES)
    assert figures["rows_loaded"] == duckdb.sql(f"select sum(num_rows) from parquet_file_metadata('{raw}/*.parquet')").fetchone()[0]
    assert 0 < figures["attributed"] <= figures["orders"]
    with duckdb.connect(str(db), read_only=True) as connection:
        tables = {name for (name,) in connection.execute("select table_name from duckdb_tables()").fetchall()}
    assert tables == {*benchmark.RAW_TABLES, "last_touch"}


def test_measured_floor_is_load_plus_join_and_leaves_no_database(raw, tmp_path):
    floor = benchmark.measure_floor(raw, tmp_path)
    detail = floor.detail
    assert floor.seconds == pytest.approx(detail["load_seconds"] + detail["join_seconds"], abs=0.02)
    assert floor.cpu_seconds == pytest.approx(detail["load_cpu_seconds"] + detail["join_cpu_seconds"], abs=0.02)
    assert detail["tables"] == len(benchmark.RAW_TABLES) and floor.peak_rss_mb > 0
    assert not list(tmp_path.glob("floor.duckdb*"))


def _node(unique_id, seconds, started, completed, status="success"):
    timing = [{"name": "execute", "started_at": f"2026-12-01T10:00:{started:06.3f}Z", "completed_at": f"2026-12-01T10:00:{completed:06.3f}Z"}]
    return {"unique_id": unique_id, "status": status, "execution_time": seconds, "timing": timing}


def test_node_breakdown_books_node_times_by_layer(tmp_path):
    fqns = {
        "model.msgwh.base_raw__orders": ["msgwh", "staging", "raw", "base", "base_raw__orders"],
        "model.msgwh.stg_raw__orders": ["msgwh", "staging", "raw", "stg_raw__orders"],
        "model.msgwh.int_orders_stitched": ["msgwh", "intermediate", "identity", "int_orders_stitched"],
        "model.msgwh.fct_orders": ["msgwh", "marts", "attribution", "fct_orders"],
        "model.msgwh.loose": ["msgwh", "loose"],
    }
    results = [
        _node("operation.msgwh.msgwh-on-run-start-0", 0.01, 1.0, 1.01),
        _node("model.msgwh.base_raw__orders", 3.0, 1.5, 4.5),
        _node("model.msgwh.stg_raw__orders", 0.5, 4.5, 5.0),
        _node("model.msgwh.int_orders_stitched", 2.0, 5.0, 7.0),
        _node("model.msgwh.fct_orders", 1.0, 7.0, 8.0),
        _node("model.msgwh.loose", 0.25, 5.0, 5.25),
        _node("test.msgwh.unique_fct_orders_order_id.abc", 0.5, 8.0, 8.5),
        _node("test.msgwh.not_null_fct_orders_order_id.def", 0.25, 8.0, 9.75),
        _node("unit_test.msgwh.fct_orders.window_is_inclusive", 0.5, 8.0, 8.5),
        {"unique_id": "exposure.msgwh.dashboard", "status": "skipped", "execution_time": 0, "timing": []},
    ]
    (tmp_path / "run_results.json").write_text(json.dumps({"results": results}))
    (tmp_path / "manifest.json").write_text(json.dumps({"nodes": {uid: {"fqn": fqn} for uid, fqn in fqns.items()}, "unit_tests": {}}))
    found = benchmark.node_breakdown(tmp_path)
    assert found["layers"] == {
        "staging base tables": [1, 3.0], "other staging": [1, 0.5], "intermediate": [1, 2.0], "marts": [1, 1.0],
        "other models": [1, 0.25], "data tests": [2, 0.75], "unit tests": [1, 0.5], "other": [2, 0.01],
    }
    assert found["span_seconds"] == 8.75  # 10:00:01.000 to 10:00:09.750; the exposure has no timing
    assert [name for name, _ in found["slowest_nodes"][:3]] == ["base_raw__orders", "int_orders_stitched", "fct_orders"]
    assert len(found["slowest_nodes"]) == 10
    assert benchmark.node_counts(found["layers"]) == {"models": 5, "data tests": 2, "unit tests": 1, "seeds": 0, "other": 2}
    assert benchmark.node_breakdown(tmp_path / "missing") == {}


def test_peak_memory_and_cpu_are_the_command_s_own(tmp_path):
    ballast = bytearray(200 * 2**20)  # this process is big; the measured one must not inherit it
    ballast[::4096] = bytes(len(ballast[::4096]))
    code, _, peak_mb, cpu = benchmark.run_measured(["true"], dict(os.environ), tmp_path / "true.out")
    assert code == 0 and peak_mb < 100 and cpu < 5
    script = "x = bytearray(150 * 2**20); x[::4096] = bytes(len(x[::4096]))"
    code, _, peak_mb, cpu = benchmark.run_measured([sys.executable, "-c", script], dict(os.environ), tmp_path / "big.out")
    assert code == 0 and 150 <= peak_mb < 260 and cpu > 0


def _measurement(name, seconds, rss=1000.0, **extra):
    return {"name": name, "command": name, "seconds": seconds, "peak_rss_mb": rss, "returncode": 0,
            "model_seconds": None, "test_seconds": None, "fct_seconds": None, "nodes": None, "slowest": [],
            "detail": {}, **extra}


def _scale(factor):
    held = {table: (100 * factor, factor) for table in benchmark.RAW_TABLES}
    return [
        _measurement("split", 0, 0, detail={"held_back": held}),
        # not a dbt run: its memory is not judged against the target
        _measurement("floor", 2.0 * factor, rss=9000.0, detail={
            "load_seconds": 1.5 * factor, "load_cpu_seconds": 2.5 * factor, "join_seconds": 0.5 * factor,
            "join_cpu_seconds": 0.75 * factor, "tables": 22, "rows_loaded": 2200 * factor}),
        _measurement("full_build", 100.0 * factor, nodes=400, detail={
            "models": 80, "incremental_models": 20, "db_bytes": 2**30,
            "layers": {"staging base tables": [22, 1.0], "marts": [58, 1.0], "data tests": [310, 1.0], "other": [10, 0.0]}}),
        _measurement("fct_alone", 10.0 * factor, fct_seconds=3.0 * factor),
        _measurement("one_day_incremental", 8.0 * factor, nodes=600,
                    detail={"steps": {"copy": 1.0, "build": 6.0 * factor, "bi": 0.25 * factor, "checkpoint": 0.5, "publish": 0.1},
                            "layers": {"staging base tables": [22, 2.0 * factor], "data tests": [300, 1.5 * factor]},
                            "span_seconds": 4.5 * factor, "slowest_nodes": [["base_raw__contacts", 1.5], ["dim_contacts", 0.5]]}),
        _measurement("no_change", 6.0 * factor),
        _measurement("no_change_dbt", 50.0 * factor),
        _measurement("publish_bi", 0.5 * factor, detail={"files": 6, "bi_bytes": 2**28, "all_bytes": 2**29}),
    ]


def _results():
    return {
        "date": "2026-11-23 12:00 UTC", "command": "python scripts/benchmark.py", "days": 90, "seed": 7,
        "machine": {"nproc": "2", "cpu": "Test CPU", "memory": "8.0 GB", "os": "Linux", "python": "3.11", "duckdb": "1.4.4",
                    "dbt": "1.11", "commit": "abc", "memory_limit": "6GB", "duckdb_threads": "2", "dbt_threads": "4"},
        "scales": {"1000": _scale(1), "10000": _scale(10)},
    }


def test_document_shows_ratios_targets_and_machine():
    results = _results()
    text = benchmark.render(results)
    assert "Test CPU" in text and "DuckDB 1.4.4" in text and "`python scripts/benchmark.py`" in text
    # verdicts only at 1,000,000 contacts, the scale the targets are stated for
    assert "| full build / floor | ≤ 3× at 1M | 50.0× (– CPU) | 50.0× (– CPU) |" in text
    assert not re.search(r"\bmet\b", text)
    assert "No verdicts: 1,000,000 contacts, the scale the targets are set for, was not measured." in text
    assert "Linearity: 10,000 vs 1,000 contacts (10× the contacts)" in text
    assert "## Fixed cost" not in text  # 1,000 contacts is a tenth of the largest scale, not "almost no data"
    assert "1.0 s / 6.0 s / 0.2 s / 0.6 s" in text
    assert "| – files written, and their size: BI file / all of them | 6: 256 MB / 512 MB |" in text
    assert "| – load / join | 1.5 s · CPU 2.5 s / 0.5 s · CPU 0.8 s (22 tables, 2,200 rows) |" in text
    assert "| – its nodes | 400 (80 models, 310 data tests, 0 unit tests, 0 seeds, 10 other) |" in text
    # the per-node fixed cost only where the data is negligible: the smallest scale
    assert "| – per-node fixed cost: wall time / nodes, at the smallest scale | 250 ms |  |" in text
    # where the one-day refresh's time goes
    assert "| – nodes' span: first node's start to last node's end | 4.5 s | 45.0 s |" in text
    assert "| – dbt time not in any node (`dbt build` step − span) | 1.5 s | 15.0 s |" in text
    assert "| node time: staging base tables (nodes · sum) | 22 · 2.0 s | 22 · 20.0 s |" in text
    assert "| node time: all nodes (nodes · sum) | 322 · 3.5 s | 322 · 35.0 s |" in text
    assert "- 10,000 contacts: `base_raw__contacts` 1.5 s, `dim_contacts` 0.5 s" in text
    assert "| no change, `dbt build` without the skip / full build |  | 50.0 % (– CPU) |" in text

    # a third scale, 1,000,000: verdicts there; the smallest scale's builds are set against its
    # full build and floor; linearity compares the two largest scales
    results["scales"]["1000000"] = _scale(100)
    text = benchmark.render(results)
    assert "| full build / floor | ≤ 3× at 1M | 50.0× (– CPU) | 50.0× (– CPU) | 50.0× (– CPU) **not met** |" in text
    assert "| fct_order_attribution node time / floor |  | 1.5× | 1.5× | 1.5× |" in text  # information, no target
    assert "| 8.0 % (– CPU) met |" in text and "| 6.0 % (– CPU) **not met** |" in text
    assert "| peak memory of any dbt run | < 8 GB at 1M | 1,000 MB | 1,000 MB | 1,000 MB met |" in text
    assert "## Fixed cost: builds at 1,000 contacts against the full build at 1,000,000" in text
    assert "nodes: 400 (80 models, 310 data tests, 0 unit tests, 0 seeds, 10 other)" in text
    assert "**250 ms of wall time per node**" in text
    assert "| full build (`dbt build --full-refresh`) at 1,000 contacts | 100.0 s | 1.0 % (–) | 0.5× |" in text
    assert "| one-day refresh (`refresh.py`) at 1,000 contacts | 8.0 s | 0.1 % (–) | 0.0× |" in text
    assert "| no change, `dbt build` at 1,000 contacts | 50.0 s | 0.5 % (–) | 0.2× |" in text
    assert "Linearity: 1,000,000 vs 10,000 contacts (100× the contacts)" in text
    assert "No verdicts" not in text

    # a floor too short to time gives no ratios (they would be noise)
    floor_1k = next(m for m in results["scales"]["1000"] if m["name"] == "floor")
    floor_1k["seconds"] = 0.02
    text = benchmark.render(results)
    assert "| full build / floor | ≤ 3× at 1M | – (– CPU) | 50.0× (– CPU) |" in text

    # with only a fixed-cost scale below the largest, there is no growth curve to show
    del results["scales"]["10000"]
    text = benchmark.render(results)
    assert "## Fixed cost" in text and "## Linearity" not in text

    # figures from before the breakdowns were recorded render as dashes, without the refresh section
    for measurement in results["scales"]["1000"] + results["scales"]["1000000"]:
        for key in ("load_seconds", "layers", "span_seconds", "slowest_nodes"):
            measurement["detail"].pop(key, None)
    text = benchmark.render(results)
    assert "| – load / join | – | – |" in text and "| – its nodes | – | – |" in text
    assert "## Where a one-day refresh's time goes" not in text


def test_rendering_again_keeps_the_hand_written_measurement_history(tmp_path):
    results_file, doc = tmp_path / "benchmarks.json", tmp_path / "benchmarks.md"
    results = _results()
    results_file.write_text(benchmark.json.dumps(results))
    history = (
        "## Measurement history\n\n"
        "- 2026-11-23 (commit abc): a hand-written figure, 11 s → 2.6 s.\n"
        "- 2026-12-01 (commit def): another one.\n"
    )
    # a document as a previous run left it, with the history added by hand at the end
    doc.write_text(benchmark.render(results) + "\n" + history)

    results["machine"]["cpu"] = "Other CPU"  # new figures: the rendered part must change
    results_file.write_text(benchmark.json.dumps(results))
    for _ in range(2):  # and rendering twice must not repeat the history
        assert benchmark.main(["--render-only", "--results", str(results_file), "--out-doc", str(doc)]) == 0
        text = doc.read_text()
        assert "Other CPU" in text and "Test CPU" not in text
        assert text.endswith(history) and text.count("## Measurement history") == 1
        assert text.startswith(benchmark.render(results))

    # a document without the section (or none at all) is rendered as before
    fresh = tmp_path / "fresh.md"
    assert benchmark.main(["--render-only", "--results", str(results_file), "--out-doc", str(fresh)]) == 0
    assert fresh.read_text() == benchmark.render(results)


def test_slowest_nodes_name_a_generic_test_not_its_hash():
    assert benchmark.node_name("test.msgwh.unique_combination_of_columns_dim_contacts_workspace_id.00bb5c7c14") == (
        "unique_combination_of_columns_dim_contacts_workspace_id"
    )
    assert benchmark.node_name("model.msgwh.dim_contacts") == "dim_contacts"
    assert benchmark.node_name("test.msgwh.assert_funnel_has_one_row_per_staged_message") == (
        "assert_funnel_has_one_row_per_staged_message"
    )
