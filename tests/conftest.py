"""Shared fixtures: run dbt as a subprocess against a temporary DuckDB file.

Every test that builds gets its own DuckDB file, target and log directory, so
tests never share a writer (DuckDB allows one per file) and never touch
warehouse.duckdb.

A test that runs dbt, itself or through a fixture such as `demo_warehouse`, must be
marked `@pytest.mark.dbt`: `run_dbt` fails the test otherwise, so `pytest -m "not dbt"`
(the fast loop, `make test-fast`) never builds anything.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

# the test pytest is running (setup, call and teardown), for run_dbt's marker check
_current_test: pytest.Item | None = None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    global _current_test
    _current_test = item
    try:
        yield
    finally:
        _current_test = None


# The slowest files first: `make test` hands whole files to its workers (pytest-xdist
# --dist loadfile) in this order, so no long file starts last on an otherwise idle machine.
SLOWEST_FIRST = (
    "test_properties.py", "test_incremental_scenarios.py", "test_incremental.py", "test_refresh.py",
    "test_sqlfluff.py", "test_first_hour.py", "test_dbt_build.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        name = item.path.name
        return SLOWEST_FIRST.index(name) if name in SLOWEST_FIRST else len(SLOWEST_FIRST)

    items.sort(key=rank)


def load_script(path: Path) -> ModuleType:
    """A script of the project (not a package module) imported under its file name."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


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
        # a later build in the same workdir with the same vars skips most of the parse
        DBT_PARTIAL_PARSE="true",
    )
    return env


def run_dbt(args: list[str], workdir: Path, check: bool = True) -> subprocess.CompletedProcess:
    """Run `dbt <args>` in the repo with files under `workdir`; fail loudly with the log tail."""
    if _current_test is not None and _current_test.get_closest_marker("dbt") is None:
        pytest.fail(
            f"{_current_test.nodeid} runs dbt ({' '.join(args)}), itself or through a fixture, "
            "but is not marked @pytest.mark.dbt: mark it so `pytest -m 'not dbt'` stays free of builds",
            pytrace=False,
        )
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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--demo-warehouse",
        type=Path,
        metavar="FILE",
        help="use this built DuckDB file (its manifest in FILE's folder/target) as demo_warehouse instead of "
        "building one; `make test-fast` passes its `dbt build --empty` to the docs checks",
    )


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory, pytestconfig) -> Path:
    """`dbt build` (seeds, models, data tests, unit tests) on the demo data, once per session
    and shared by the pytest-xdist workers (a lock in their common temp directory): tests
    only read it, read-only, or copy it."""
    prebuilt = pytestconfig.getoption("--demo-warehouse")
    if prebuilt is not None:
        return prebuilt.resolve()
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    workdir = shared / "demo"
    with open(shared / "demo.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (workdir / "build.log").exists():
            workdir.mkdir(exist_ok=True)
            result = run_dbt(["build"], workdir)
            (workdir / "build.log").write_text(result.stdout)
    return workdir / "warehouse.duckdb"


@pytest.fixture(scope="session")
def demo_bi(demo_warehouse, tmp_path_factory) -> Path:
    """The BI file of the demo warehouse and its per-workspace files (msgwh/bi.py), published once
    per worker into its own folder: what the dashboard and BI tools read."""
    from msgwh import bi

    target = tmp_path_factory.mktemp("demo_bi") / "warehouse_bi.duckdb"
    bi.publish(bi.stage(demo_warehouse, target, per_workspace=True))
    return target
