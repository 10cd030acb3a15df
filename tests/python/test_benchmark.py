"""scripts/benchmark.py helpers: the last-day split, the floor query, memory measurement, the document."""

from __future__ import annotations

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
    for table, (total, _) in held.items():
        assert duckdb.sql(f"select count(*) from '{landing / table}/*.parquet'").fetchone()[0] == total


def test_floor_query_attributes_some_orders(raw, capsys):
    assert benchmark.floor_main(str(raw), "2", "1GB") == 0
    figures = benchmark.json.loads(capsys.readouterr().out)
    assert 0 < figures["attributed"] <= figures["orders"]


def test_peak_memory_and_cpu_are_the_command_s_own(tmp_path):
    ballast = bytearray(200 * 2**20)  # this process is big; the measured one must not inherit it
    ballast[::4096] = bytes(len(ballast[::4096]))
    code, seconds, peak_mb, cpu = benchmark.run_measured(["true"], dict(os.environ), tmp_path / "true.out")
    assert code == 0 and peak_mb < 100 and cpu < 5
    script = "x = bytearray(150 * 2**20); x[::4096] = bytes(len(x[::4096]))"
    code, seconds, peak_mb, cpu = benchmark.run_measured([sys.executable, "-c", script], dict(os.environ), tmp_path / "big.out")
    assert code == 0 and 150 <= peak_mb < 260 and cpu > 0


def _measurement(name, seconds, rss=1000.0, **extra):
    return {"name": name, "command": name, "seconds": seconds, "peak_rss_mb": rss, "returncode": 0,
            "model_seconds": None, "test_seconds": None, "fct_seconds": None, "nodes": None, "slowest": [],
            "detail": {}, **extra}


def _scale(factor):
    held = {table: (100 * factor, factor) for table in benchmark.RAW_TABLES}
    return [
        _measurement("split", 0, 0, detail={"held_back": held}),
        _measurement("floor", 2.0 * factor),
        _measurement("full_build", 100.0 * factor, detail={"models": 80, "incremental_models": 20, "db_bytes": 2**30}),
        _measurement("fct_alone", 10.0 * factor, fct_seconds=3.0 * factor),
        _measurement("one_day_incremental", 8.0 * factor, nodes=600,
                    detail={"steps": {"copy": 1.0, "build": 6.0, "checkpoint": 0.5, "publish": 0.1},
                            "base_table_modes": {"delta": 3, "skip": 19}}),
        _measurement("no_change", 6.0 * factor),
        _measurement("no_change_dbt", 50.0 * factor),
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
    assert "| full build / floor | ≤ 10× at 1M | 50.0× (– CPU) | 50.0× (– CPU) |" in text
    assert not re.search(r"\bmet\b", text)
    assert "No verdicts: 1,000,000 contacts, the scale the targets are set for, was not measured." in text
    assert "Linearity: 10,000 vs 1,000 contacts (10× the contacts)" in text
    assert "## Fixed cost" not in text  # 1,000 contacts is a tenth of the largest scale, not "almost no data"
    assert "1.0 s / 6.0 s / 0.6 s" in text and "delta 3, skip 19" in text
    assert "| no change, `dbt build` without the skip / full build |  | 50.0 % (– CPU) |" in text

    # a third scale, 1,000,000: verdicts there; the smallest scale's builds are set against its
    # full build and floor; linearity compares the two largest scales
    results["scales"]["1000000"] = _scale(100)
    text = benchmark.render(results)
    assert "| full build / floor | ≤ 10× at 1M | 50.0× (– CPU) | 50.0× (– CPU) | 50.0× (– CPU) **not met** |" in text
    assert "| 1.5× met |" in text  # fct node time / floor
    assert "| 8.0 % (– CPU) met |" in text and "| 6.0 % (– CPU) **not met** |" in text
    assert "| peak memory of any dbt run | < 8 GB at 1M | 1,000 MB | 1,000 MB | 1,000 MB met |" in text
    assert "## Fixed cost: builds at 1,000 contacts against the full build at 1,000,000" in text
    assert "(600 dbt nodes" in text
    assert "| full build (`dbt build --full-refresh`) at 1,000 contacts | 100.0 s | 1.0 % (–) | 0.5× |" in text
    assert "| one-day refresh (`refresh.py`) at 1,000 contacts | 8.0 s | 0.1 % (–) | 0.0× |" in text
    assert "| no change, `dbt build` at 1,000 contacts | 50.0 s | 0.5 % (–) | 0.2× |" in text
    assert "Linearity: 1,000,000 vs 10,000 contacts (100× the contacts)" in text
    assert "No verdicts" not in text

    # a floor too short to time gives no ratios (they would be noise)
    floor_1k = next(m for m in results["scales"]["1000"] if m["name"] == "floor")
    floor_1k["seconds"] = 0.02
    text = benchmark.render(results)
    assert "| full build / floor | ≤ 10× at 1M | – (– CPU) | 50.0× (– CPU) |" in text

    # with only a fixed-cost scale below the largest, there is no growth curve to show
    del results["scales"]["10000"]
    text = benchmark.render(results)
    assert "## Fixed cost" in text and "## Linearity" not in text


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
