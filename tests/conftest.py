"""Shared fixtures: run dbt as a subprocess against a temporary DuckDB file.

Every test that builds gets its own DuckDB file, target and log directory, so
tests never share a writer (DuckDB allows one per file) and never touch
warehouse.duckdb.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def dbt_env(workdir: Path) -> dict[str, str]:
    """Environment for a dbt run whose files all live under `workdir`."""
    env = dict(os.environ)
    env.update(
        DBT_PROFILES_DIR=str(REPO),
        DBT_PROJECT_DIR=str(REPO),
        DBT_DUCKDB_PATH=str(workdir / "warehouse.duckdb"),
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
        DBT_DUCKDB_TEMP_DIR=str(workdir / "duckdb_tmp"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_PARTIAL_PARSE="false",
    )
    return env


def run_dbt(args: list[str], workdir: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run `dbt <args>` in the repo with files under `workdir`; fail loudly with the log tail."""
    result = subprocess.run(
        [str(BIN / "dbt"), *args],
        cwd=REPO,
        env=dbt_env(workdir),
        capture_output=True,
        text=True,
    )
    if check and result.returncode != 0:
        tail = "\n".join(result.stdout.splitlines()[-80:])
        pytest.fail(f"dbt {' '.join(args)} failed ({result.returncode}):\n{tail}\n{result.stderr[-3000:]}")
    return result


def query(db_path: Path, sql: str) -> list[tuple]:
    """Rows of `sql` from a read-only connection to the DuckDB file."""
    with duckdb.connect(str(db_path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """`dbt build` (seeds, models, data tests, unit tests) on the demo data, once per session."""
    workdir = tmp_path_factory.mktemp("demo")
    result = run_dbt(["build"], workdir)
    (workdir / "build.log").write_text(result.stdout)
    return workdir / "warehouse.duckdb"
