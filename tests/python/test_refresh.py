"""scripts/refresh.py: build into a copy, test, validate, swap atomically; a lock; exit codes.

The dbt-marked tests share one small published warehouse (250 generated contacts, built once
by the first refresh); every test that refreshes again works on its own copy of it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from msgwh import bi
from msgwh import refresh as refresh_lib
from tests.conftest import BIN, REPO, dbt_env, query
from tests.python.test_bi_file import rows_per_workspace, tables_of
from tests.python.incremental_data import differences, raw_file_hashes

SCRIPT = REPO / "scripts" / "refresh.py"
VALIDATOR = REPO / "scripts" / "validate.py"
STATE = "select count(*), sum(gross_revenue) from marts.fct_order_attribution"

READER = r"""
import json, sys, time
from pathlib import Path
import duckdb

db, stop, sql = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
connection = duckdb.connect(db, read_only=True)
try:
    while not stop.exists():
        print(json.dumps(["old", [str(v) for v in connection.execute(sql).fetchone()]]), flush=True)
        time.sleep(0.05)
    connection.close()
    connection = duckdb.connect(db, read_only=True)
    print(json.dumps(["new", [str(v) for v in connection.execute(sql).fetchone()]]), flush=True)
except Exception as error:
    print(json.dumps(["error", repr(error)]), flush=True)
    sys.exit(1)
"""


def generate(out: Path, contacts: int, seed: int) -> Path:
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_data.py"), "--out", str(out), "--contacts", str(contacts),
         "--days", "30", "--seed", str(seed), "--format", "parquet", "--threads", "2"],
        check=True, capture_output=True,
    )
    return out


def refresh_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DBT_")}
    env.update(DBT_PROFILES_DIR=str(REPO), DBT_SEND_ANONYMOUS_USAGE_STATS="false")
    return env


def run_refresh(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--db", str(db), "--quiet", *args],
        cwd=REPO, env=refresh_env(), capture_output=True, text=True, timeout=900,
    )


def signature(path: Path) -> tuple[str, int, int, int]:
    """Content hash, inode, size and mtime: 'untouched' means all four are the same."""
    stat = path.stat()
    return (hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_ino, stat.st_size, stat.st_mtime_ns)


def own_copy(published: Path, tmp_path: Path) -> Path:
    """A private published warehouse and its BI file for a test that refreshes (same file
    names: the catalog)."""
    db = tmp_path / published.name
    shutil.copy2(published, db)
    shutil.copy2(bi.bi_path(published), bi.bi_path(db))
    return db


def own_copy_with_record(published: Path, tmp_path: Path) -> Path:
    """own_copy with what its publish recorded (code fingerprint, vars, dbt's manifest)."""
    db = own_copy(published, tmp_path)
    recorded, copied = refresh_lib.RefreshPaths(published), refresh_lib.RefreshPaths(db)
    copied.published_manifest.parent.mkdir(parents=True)
    shutil.copy2(recorded.published_state, copied.published_state)
    shutil.copy2(recorded.published_manifest, copied.published_manifest)
    return db


def explain(result: subprocess.CompletedProcess) -> str:
    return f"exit {result.returncode}\nstderr:\n{result.stderr[-4000:]}\nstdout:\n{result.stdout[-2000:]}"


@pytest.fixture(scope="module")
def raw_small(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("raw") / "small", 250, 11)


@pytest.fixture(scope="module")
def raw_other(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("raw") / "other", 300, 12)


@pytest.fixture(scope="module")
def first_refresh(tmp_path_factory, raw_small) -> tuple[Path, subprocess.CompletedProcess]:
    """The first refresh of a warehouse that does not exist yet, with the project's validator."""
    db = tmp_path_factory.mktemp("published") / "warehouse.duckdb"
    result = run_refresh(
        db, "--raw-path", str(raw_small), "--validate-args", "--as-of 2026-11-01 --max-order-age-days 60"
    )
    return db, result


@pytest.fixture()
def published(first_refresh) -> Path:
    db, result = first_refresh
    if result.returncode != 0:
        pytest.fail("the first refresh failed:\n" + explain(result))
    return db


# ------------------------------------------------------------------------------------------
# with dbt
# ------------------------------------------------------------------------------------------


@pytest.mark.dbt
def test_first_refresh_builds_validates_and_publishes(first_refresh):
    db, result = first_refresh
    assert result.returncode == refresh_lib.EXIT_OK, explain(result)
    for step in ("lock", "prepare", "copy", "build", "checkpoint", "publish"):
        assert f"step={step} status=ok" in result.stderr, f"no ok line for {step}:\n{result.stderr}"
    assert "first run: no published warehouse" in result.stderr
    if VALIDATOR.exists():
        assert "step=validate status=ok" in result.stderr
    else:
        assert "step=validate status=skipped" in result.stderr
    # the BI file beside it: the marts alone, in the same state
    assert "step=bi status=ok" in result.stderr
    bi_file = db.with_name("warehouse_bi.duckdb")
    assert {schema for schema, _ in tables_of(bi_file)} == {"marts"}
    assert tables_of(bi_file) == {(schema, table) for schema, table in tables_of(db) if schema == "marts"}
    assert query(bi_file, STATE) == query(db, STATE)
    # self-contained: checkpointed, no WAL beside it, working copy moved away
    assert not refresh_lib.wal_of(db).exists()
    paths = refresh_lib.RefreshPaths(db)
    assert not paths.working.exists() and not refresh_lib.wal_of(paths.working).exists()
    orders, revenue = query(db, STATE)[0]
    assert orders > 0 and revenue > 0
    # the catalog is named after the published file, so the views' qualified names resolve
    assert query(db, "select current_database()")[0][0] == "warehouse"
    summary = json.loads(paths.summary.read_text())
    assert summary["exit_code"] == 0 and [s["step"] for s in summary["steps"]][-1] == "publish"
    # dbt's target/ and logs/ live under the refresh directory, not the developer's target/
    assert (paths.target / "run_results.json").exists() and (paths.logs / "dbt_build.out").exists()


@pytest.mark.dbt
def test_reader_keeps_reading_during_refresh_then_sees_new_state(published, raw_other, tmp_path):
    db = own_copy(published, tmp_path)
    old_state = [str(v) for v in query(db, STATE)[0]]
    stop = tmp_path / "stop"
    reader_script = tmp_path / "reader.py"
    reader_script.write_text(READER)
    # one reader on the warehouse, one on the BI file: both files are swapped
    readers = {
        file: subprocess.Popen(
            [sys.executable, str(reader_script), str(file), str(stop), STATE], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        for file in (db, bi.bi_path(db))
    }
    log = tmp_path / "refresh.err"
    with log.open("w") as sink:
        refresh = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--db", str(db), "--quiet", "--raw-path", str(raw_other), "--full-refresh", "--skip-validate"],
            cwd=REPO, env=refresh_env(), stdout=subprocess.DEVNULL, stderr=sink, text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while " dbt: build" not in log.read_text():
                assert refresh.poll() is None, "the refresh ended before dbt started:\n" + log.read_text()
                assert time.monotonic() < deadline, "dbt did not start:\n" + log.read_text()
                time.sleep(0.2)
            # while the first refresh builds: a second one exits at once with the lock code
            started = time.monotonic()
            second = run_refresh(db, "--raw-path", str(raw_other), "--skip-validate")
            assert second.returncode == refresh_lib.EXIT_LOCKED, explain(second)
            assert time.monotonic() - started < 30
            assert "another refresh holds" in second.stderr
            assert refresh.wait(timeout=900) == refresh_lib.EXIT_OK, log.read_text()
        finally:
            if refresh.poll() is None:
                refresh.kill()
    stop.touch()
    new_state = [str(v) for v in query(db, STATE)[0]]
    assert new_state != old_state, "the refresh with other data should change the marts"
    for file, reader in readers.items():
        output, _ = reader.communicate(timeout=60)
        lines = [json.loads(line) for line in output.splitlines() if line.startswith("[")]
        errors = [line for line in lines if line[0] == "error"]
        assert reader.returncode == 0 and not errors, output[-3000:]
        during = [values for kind, values in lines if kind == "old"]
        assert len(during) >= 20, f"the reader of {file.name} did not query throughout the refresh"
        assert all(values == old_state for values in during), f"a reader of {file.name} saw a changed or half-written state"
        assert lines[-1] == ["new", new_state], f"after reconnecting the reader of {file.name} must see the new state"
    assert not refresh_lib.wal_of(db).exists()


@pytest.mark.dbt
def test_an_open_dashboard_keeps_working_through_a_publish_then_shows_the_new_state(published, raw_other, tmp_path, monkeypatch):
    """The Overview page, rerun again and again while scripts/refresh.py rebuilds and publishes
    other data, never fails; its first run after the publish shows the new figures."""
    from streamlit.testing.v1 import AppTest

    from msgwh.dashboard import data

    db = own_copy(published, tmp_path)
    bi_file = bi.bi_path(db)
    monkeypatch.setenv(bi.BI_PATH_ENV, str(bi_file))
    monkeypatch.delenv(data.WORKSPACE_ENV, raising=False)
    page = AppTest.from_file(str(Path(data.__file__).parent / "views" / "overview.py"), default_timeout=60)

    def total_shown() -> tuple[str, str]:
        page.run()
        assert not page.exception, page.exception[0].message
        workspace = page.sidebar.selectbox(key="workspace").value
        start, end = page.sidebar.date_input(key="dates").value
        label = f"Revenue {start:%Y-%m-%d} to {end:%Y-%m-%d}"
        shown = next(metric.value for metric in page.metric if metric.label == label)
        expected = query(bi_file, "select sum(net_revenue) from marts.fct_attributed_revenue where workspace_id = "
                                  f"'{workspace}' and revenue_date between '{start}' and '{end}'")[0][0]
        return shown, f"{expected:,.2f}"

    before, expected_before = total_shown()
    assert before.startswith(expected_before)
    refresh = subprocess.Popen(
        [sys.executable, str(SCRIPT), "--db", str(db), "--quiet", "--raw-path", str(raw_other), "--full-refresh", "--skip-validate"],
        cwd=REPO, env=refresh_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    reruns = 0
    try:
        while refresh.poll() is None:
            page.run()
            assert not page.exception, page.exception[0].message
            reruns += 1
            time.sleep(0.2)
    finally:
        if refresh.poll() is None:
            refresh.kill()
    assert refresh.returncode == refresh_lib.EXIT_OK, refresh.stderr.read()
    assert reruns >= 10, "the page was not rerun throughout the refresh"
    after, expected_after = total_shown()
    assert after.startswith(expected_after) and after != before, "the first run after the publish shows the new state"


@pytest.mark.dbt
def test_an_interrupted_refresh_publishes_nothing_and_the_next_one_equals_a_full_build(published, raw_small, tmp_path):
    """SIGTERM while dbt builds (a scheduler's timeout): exit 143, the warehouse and the BI file
    untouched. The next refresh starts over and publishes marts equal, row for row, to a full
    build on the same data (the shared first refresh); the copy has no publish record, so both
    refreshes rebuild every model."""
    db = own_copy(published, tmp_path)
    before, bi_before = signature(db), signature(bi.bi_path(db))
    dbt_log = refresh_lib.RefreshPaths(db).logs / "dbt_build.out"
    log = tmp_path / "refresh.err"
    with log.open("w") as sink:
        refresh = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--db", str(db), "--quiet", "--raw-path", str(raw_small), "--skip-validate"],
            cwd=REPO, env=refresh_env(), stdout=subprocess.DEVNULL, stderr=sink, text=True,
        )
        try:
            deadline = time.monotonic() + 300
            # in the middle: some models written into the working copy, most not yet
            while not (dbt_log.exists() and dbt_log.read_text().count(" OK created ") >= 5):
                assert refresh.poll() is None, "the refresh ended before it could be interrupted:\n" + log.read_text()
                assert time.monotonic() < deadline, "dbt did not start building:\n" + log.read_text()
                time.sleep(0.1)
            refresh.send_signal(signal.SIGTERM)
            assert refresh.wait(timeout=120) == 128 + signal.SIGTERM, log.read_text()
        finally:
            if refresh.poll() is None:
                refresh.kill()
    assert "published=untouched" in log.read_text() and "step=publish" not in log.read_text()
    assert signature(db) == before and signature(bi.bi_path(db)) == bi_before

    again = run_refresh(db, "--raw-path", str(raw_small), "--skip-validate")

    assert again.returncode == 0 and "done status=published" in again.stderr, explain(again)
    assert differences(db, published) == {}
    assert differences(bi.bi_path(db), bi.bi_path(published)) == {}


def project_copy(tmp_path: Path) -> Path:
    """A copy of this dbt project (no seeds: the tests read generated files)."""
    project = tmp_path / "project"
    shutil.copytree(
        REPO,
        project,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "target*", "logs*", "*.duckdb", "*.wal", "*.refresh", "*.lock", ".duckdb_tmp", "__pycache__",
            ".pytest_cache", "seeds",
        ),
    )
    (project / "seeds").mkdir()
    return project


@pytest.mark.dbt
def test_an_incremental_model_without_a_watermark_record_fails_to_compile(tmp_path):
    """incremental_watermarks records the models incremental_watermarked_models() lists; an
    incremental model left off that list would reprocess all history every run, so the
    build refuses it."""
    project = project_copy(tmp_path)
    (project / "models" / "marts" / "unlisted_incremental.sql").write_text(
        "{{ config(materialized='incremental', contract={'enforced': false}) }}\nselect 1 as one\n"
    )
    env = dict(dbt_env(tmp_path), DBT_PROJECT_DIR=str(project))
    result = subprocess.run(
        [str(BIN / "dbt"), "compile", "--select", "incremental_watermarks", "--vars", "{raw_path: '" + str(tmp_path) + "'}"],
        cwd=project, env=env, capture_output=True, text=True,
    )
    assert result.returncode != 0
    assert "unlisted_incremental is incremental but not in incremental_watermarked_models()" in result.stdout


def project_copy_with_failing_test(tmp_path: Path) -> Path:
    """This dbt project plus a singular data test that always fails on the marts."""
    project = project_copy(tmp_path)
    (project / "tests" / "assert_refresh_canary_fails.sql").write_text(
        "-- fails whenever the mart has a row: stands in for any data test that catches bad data\n"
        "select order_id from {{ ref('fct_order_attribution') }}\n"
    )
    return project


@pytest.mark.dbt
def test_failing_data_test_publishes_nothing(published, raw_small, tmp_path):
    db = own_copy(published, tmp_path)
    before, bi_before = signature(db), signature(bi.bi_path(db))
    project = project_copy_with_failing_test(tmp_path)
    # the staging view is rebuilt in the working copy, then the data test fails
    result = run_refresh(
        db, "--raw-path", str(raw_small), "--project-dir", str(project), "--profiles-dir", str(REPO),
        "--", "--select", "stg_raw__workspaces", "assert_refresh_canary_fails",
    )
    assert result.returncode == refresh_lib.EXIT_BUILD_FAILED, explain(result)
    assert signature(db) == before, "a failed refresh changed the published file"
    assert signature(bi.bi_path(db)) == bi_before, "a failed refresh changed the BI file"
    assert "step=build status=failed" in result.stderr
    assert "failed node: test.msgwh.assert_refresh_canary_fails (fail)" in result.stderr
    assert "published=untouched" in result.stderr
    assert "step=publish" not in result.stderr and "step=validate" not in result.stderr
    paths = refresh_lib.RefreshPaths(db)
    assert paths.working.exists(), "the failed working copy is kept for inspection"
    summary = json.loads(paths.summary.read_text())
    assert summary["exit_code"] == 1 and summary["failed_step"] == "build"
    assert "assert_refresh_canary_fails" in summary["reason"]


@pytest.mark.dbt
def test_compile_error_publishes_nothing_and_stale_working_files_are_removed(published, raw_small, tmp_path):
    db = own_copy(published, tmp_path)
    before = signature(db)
    paths = refresh_lib.RefreshPaths(db)
    paths.working.parent.mkdir(parents=True)
    paths.working.write_bytes(b"left by a killed refresh")
    refresh_lib.wal_of(paths.working).write_bytes(b"stale wal")
    result = run_refresh(
        db, "--raw-path", str(raw_small), "--dbt-args", "--vars '{attribution_precedence: [bogus]}'"
    )
    assert result.returncode == refresh_lib.EXIT_BUILD_FAILED, explain(result)
    assert signature(db) == before
    assert "removed stale warehouse.duckdb,warehouse.duckdb.wal" in result.stderr
    assert "unknown rule 'bogus'" in result.stderr, "dbt's error message is repeated in the log"
    assert not refresh_lib.wal_of(paths.working).exists()


@pytest.mark.dbt
def test_failing_validation_publishes_nothing(published, raw_small, tmp_path):
    db = own_copy(published, tmp_path)
    before = signature(db)
    seen = tmp_path / "validator_args.json"
    stub = tmp_path / "validate_stub.py"
    stub.write_text(
        "import json, sys\n"
        f"open({str(seen)!r}, 'w').write(json.dumps(sys.argv[1:]))\n"
        "print('FAIL  order_freshness  2/3 expectations')\n"
        "sys.exit(1)\n"
    )
    result = run_refresh(
        db, "--raw-path", str(raw_small), "--validate-script", str(stub), "--validate-args", "--as-of 2026-11-01",
        "--", "--select", "stg_raw__workspaces",
    )
    assert result.returncode == refresh_lib.EXIT_VALIDATION_FAILED, explain(result)
    assert signature(db) == before
    assert "step=build status=ok" in result.stderr and "step=validate status=failed" in result.stderr
    assert "validate: FAIL  order_freshness" in result.stderr
    args = json.loads(seen.read_text())
    paths = refresh_lib.RefreshPaths(db)
    assert args[:2] == ["--db", str(paths.working)], "the validator checks the working copy, not the published file"
    assert "--state" in args and args[-2:] == ["--as-of", "2026-11-01"]


# ------------------------------------------------------------------------------------------
# without dbt
# ------------------------------------------------------------------------------------------


def test_second_refresh_exits_with_the_lock_code(tmp_path):
    db = tmp_path / "warehouse.duckdb"
    paths = refresh_lib.RefreshPaths(db)
    with open(paths.lock, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write("pid=12345 since=test\n")
        handle.flush()
        started = time.monotonic()
        result = run_refresh(db, "--skip-validate")
    assert result.returncode == refresh_lib.EXIT_LOCKED, explain(result)
    assert time.monotonic() - started < 20
    assert "another refresh holds" in result.stderr and "pid=12345" in result.stderr
    assert "step=lock status=failed" in result.stderr
    assert not db.exists() and not paths.state_dir.exists(), "a locked-out refresh touches nothing"


@pytest.mark.parametrize(
    "args",
    [["--no-such-option"], ["--raw-path", "/no/such/dir"], ["--dbt-args", "--vars '{unclosed"]],
)
def test_usage_errors_exit_4(tmp_path, args):
    result = run_refresh(tmp_path / "warehouse.duckdb", *args)
    assert result.returncode == refresh_lib.EXIT_USAGE, explain(result)


def test_help_documents_the_exit_codes():
    """--help lists each exit code with its meaning: msgwh/refresh.py's EXIT_* constants and
    the messages EXIT_CODES gives them, one line per code, and the signal codes refresh() returns."""
    result = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, check=True)
    assert "exit codes:\n" in result.stdout, result.stdout
    section = result.stdout.split("exit codes:\n", 1)[1].split("\n\n", 1)[0]
    documented = {}
    for line in section.splitlines():
        match = re.fullmatch(r"  (\d+(?:/\d+)*)  (\S.*)", line)
        assert match, f"not a '  <code>  <meaning>' line under 'exit codes:': {line!r}"
        documented[match[1]] = match[2]
    constants = {name: value for name, value in vars(refresh_lib).items() if name.startswith("EXIT_") and isinstance(value, int)}
    assert sorted(constants.values()) == list(range(len(constants))), f"exit codes not distinct and consecutive: {constants}"
    assert set(refresh_lib.EXIT_CODES) == set(constants.values()), "every EXIT_* constant has a message"
    interrupted = f"{128 + signal.SIGINT}/{128 + signal.SIGTERM}"
    assert documented.keys() == {*map(str, refresh_lib.EXIT_CODES), interrupted}
    for code, meaning in refresh_lib.EXIT_CODES.items():
        assert documented[str(code)] == meaning
    # each constant's message says what its name means
    says = {
        "EXIT_OK": "published", "EXIT_BUILD_FAILED": "dbt build failed", "EXIT_VALIDATION_FAILED": "validation",
        "EXIT_LOCKED": "holds the lock", "EXIT_USAGE": "usage", "EXIT_PUBLISH_FAILED": "swap failed",
    }
    assert says.keys() == constants.keys()
    for name, words in says.items():
        assert words in documented[str(constants[name])], f"{name} = {constants[name]}: {documented[str(constants[name])]!r}"
    assert documented[interrupted].startswith("interrupted by SIGINT/SIGTERM")


def test_raw_path_is_merged_into_vars(tmp_path):
    merged = refresh_lib.merge_raw_path(["--vars", "{pii_salt: s}", "--full-refresh"], tmp_path)
    assert json.loads(merged[1]) == {"pii_salt": "s", "raw_path": str(tmp_path)}
    assert refresh_lib.merge_raw_path(["--select", "marts"], tmp_path)[-2:] == ["--vars", json.dumps({"raw_path": str(tmp_path)})]
    options = refresh_lib.RefreshOptions(published=tmp_path / "w.duckdb", raw_path=tmp_path, full_refresh=True, dbt_executable=Path("dbt"))
    command = refresh_lib.dbt_command(options)
    assert command[:5] == ["dbt", "build", "--exclude-resource-type", "unit_test", "seed"] and "--full-refresh" in command
    options = refresh_lib.RefreshOptions(published=tmp_path / "w.duckdb", dbt_args=["--resource-type", "model"], dbt_executable=Path("dbt"))
    assert refresh_lib.dbt_command(options) == ["dbt", "build", "--resource-type", "model"]


def test_failing_nodes_come_from_run_results(tmp_path):
    run_results = tmp_path / "run_results.json"
    run_results.write_text(json.dumps({"results": [
        {"unique_id": "model.msgwh.ok", "status": "success", "message": "OK"},
        {"unique_id": "test.msgwh.not_null_x", "status": "fail", "message": "Got 3 results, configured to fail if != 0"},
        {"unique_id": "model.msgwh.broken", "status": "error", "message": "Binder Error:\n  column y"},
    ]}))
    assert refresh_lib.failing_nodes(run_results) == [
        "test.msgwh.not_null_x (fail): Got 3 results, configured to fail if != 0",
        "model.msgwh.broken (error): Binder Error: column y",
    ]
    assert refresh_lib.failing_nodes(tmp_path / "missing.json") == []


@pytest.mark.dbt
def test_refresh_with_nothing_new_does_nothing_and_builds_when_a_file_lands(raw_small, tmp_path):
    """Landing folders: a refresh with no new file, code or argument leaves the published file
    untouched without building; a new file makes the next refresh build and publish it."""
    import duckdb

    from msgwh.contract import ARRIVAL_COLUMN, RAW_TABLES

    landing, later = tmp_path / "landing", tmp_path / "later"
    cutoff = "timestamp '2026-10-29'"
    with duckdb.connect() as connection:
        for table in RAW_TABLES:
            column = ARRIVAL_COLUMN.get(table)
            late = "false" if column is None else f"coalesce(cast({column} as timestamp) >= {cutoff}, false)"
            for folder, condition in ((landing, f"not ({late})"), (later, late)):
                (folder / table).mkdir(parents=True)
                connection.execute(
                    f"copy (select * from read_parquet('{raw_small / (table + '.parquet')}') where {condition}) "
                    f"to '{folder / table / (folder.name + '.parquet')}' (format parquet)"
                )
    db = tmp_path / "warehouse.duckdb"
    args = ("--raw-path", str(landing), "--skip-validate")

    first = run_refresh(db, *args)
    assert first.returncode == 0 and "done status=published" in first.stderr, explain(first)
    orders_before = query(db, "select count(*) from marts.fct_order_attribution")[0][0]

    before = signature(db)
    idle = run_refresh(db, *args)
    assert idle.returncode == 0, explain(idle)
    assert "step=changes status=ok" in idle.stderr and "no new raw data" in idle.stderr
    assert "done status=current" in idle.stderr and "step=build" not in idle.stderr
    assert signature(db) == before

    shutil.copy(later / "shop_orders" / "later.parquet", landing / "shop_orders" / "later.parquet")
    shutil.copy(later / "message_events" / "later.parquet", landing / "message_events" / "later.parquet")
    landed = run_refresh(db, *args, "--per-workspace")
    assert landed.returncode == 0 and "done status=published" in landed.stderr, explain(landed)
    # one BI file per workspace, each with its rows and no other's
    everyone = rows_per_workspace(bi.bi_path(db))
    workspaces = sorted(row[0] for row in query(db, "select workspace_id from staging.stg_raw__workspaces"))
    assert len(workspaces) > 1
    for workspace in workspaces:
        assert rows_per_workspace(bi.workspace_file(bi.bi_path(db), workspace)) == {
            table: {workspace: rows[workspace]} if workspace in rows else {} for table, rows in everyone.items()
        }
    assert "step=build status=ok" in landed.stderr
    assert query(db, "select count(*) from marts.fct_order_attribution")[0][0] > orders_before
    # the new files' rows were added; workspaces, with no new file, got no new row version
    later_hash = raw_file_hashes(landing / "shop_orders")["later.parquet"]
    assert query(db, f"select count(*) from staging.base_raw__shop_orders where _raw_file_hash = {later_hash}")[0][0] > 0
    assert query(db, "select count(distinct _loaded_at) from staging.base_raw__workspaces") == [(1,)]

    again = run_refresh(db, *args, "--per-workspace")
    assert again.returncode == 0 and "done status=current" in again.stderr, explain(again)


def test_a_changed_project_file_changes_the_fingerprint(tmp_path):
    """The skip needs the same project: editing a model changes the fingerprint (a changed
    fingerprint makes the refresh build: test_refresh_skips_only_when_nothing_changed)."""
    project = tmp_path / "project"
    (project / "models").mkdir(parents=True)
    (project / "models" / "a.sql").write_text("select 1 as x\n")
    (project / "dbt_project.yml").write_text("name: p\n")
    before = refresh_lib.project_fingerprint(project)
    assert refresh_lib.project_fingerprint(project) == before
    (project / "models" / "a.sql").write_text("select 2 as x\n")
    assert refresh_lib.project_fingerprint(project) != before


@pytest.mark.dbt
@pytest.mark.parametrize(
    ("options", "state", "builds"),
    [
        pytest.param(["--raw-path"], "as published", False, id="nothing-changed"),
        pytest.param(["--raw-path", "--always-build"], "as published", True, id="always-build"),
        pytest.param(["--raw-path", "--full-refresh"], "as published", True, id="full-refresh"),
        pytest.param([], "as published", True, id="no-raw-path"),
        pytest.param(["--raw-path"], "other project", True, id="project-changed"),
        pytest.param(["--raw-path"], "missing", True, id="no-published-state"),
        pytest.param(["--raw-path"], "no BI file", True, id="bi-file-missing"),
        pytest.param(["--raw-path", "--per-workspace"], "as published", True, id="per-workspace-not-published"),
    ],
)
def test_refresh_skips_only_when_nothing_changed(published, raw_small, tmp_path, options, state, builds):
    """On a real published warehouse and the state its publish recorded (the shared first
    refresh), a refresh with the same raw files, project and arguments skips the build; one
    option or the state flipped makes it build. A stub dbt that fails at once stands in for
    the build, so no case runs dbt or publishes anything."""
    db = own_copy(published, tmp_path)
    paths = refresh_lib.RefreshPaths(db)
    paths.state_dir.mkdir()
    recorded = json.loads(refresh_lib.RefreshPaths(published).published_state.read_text())
    # edits to this repository while the tests run are not what this test is about
    recorded["project"] = refresh_lib.project_fingerprint(REPO)
    if state == "other project":
        recorded["project"] = "0" * 64
    recorded["bi"]["files"] = [str(bi.bi_path(db).absolute())]
    if state == "no BI file":
        bi.bi_path(db).unlink()
    if state != "missing":
        paths.published_state.write_text(json.dumps(recorded))
    called = tmp_path / "dbt_was_called"
    stub = tmp_path / "dbt"
    stub.write_text(f"#!/bin/sh\ntouch '{called}'\nexit 1\n")
    stub.chmod(0o755)
    args = [a for option in options for a in ((option, str(raw_small)) if option == "--raw-path" else (option,))]
    before = signature(db)

    result = run_refresh(db, "--skip-validate", "--dbt", str(stub), *args)

    assert signature(db) == before
    if builds:
        assert result.returncode == refresh_lib.EXIT_BUILD_FAILED, explain(result)
        assert "step=changes status=ok" in result.stderr and "new or changed raw data, code or arguments: building" in result.stderr
        assert "step=build status=failed" in result.stderr and called.exists(), explain(result)
    else:
        assert result.returncode == refresh_lib.EXIT_OK, explain(result)
        assert "no new raw data" in result.stderr and "done status=current" in result.stderr, explain(result)
        assert "step=build" not in result.stderr and not called.exists()


EMAIL_HASHES = "select email_hashed from marts.dim_contacts where email_hashed is not null"


@pytest.mark.dbt
def test_a_changed_var_rebuilds_every_model(published, raw_small, tmp_path):
    """dbt's state comparison cannot see what a var changes in a model, so a refresh whose vars
    differ from the published build's rebuilds every model in full, without the user asking.
    With reads no longer counted as touches no order keeps a read as its last touch, and with
    a new pii_salt no contact keeps its e-mail hash (an incremental run would keep both for
    every order and contact without new data)."""
    db = own_copy_with_record(published, tmp_path)
    hashes = set(query(db, EMAIL_HASHES))
    read_touches = "select count(*) from marts.fct_order_attribution where touch_event_type = 'read'"
    assert query(db, read_touches)[0][0] > 0
    new_vars = "{touch_event_types: [clicked, quick_reply, cta_click], pii_salt: another-salt}"

    result = run_refresh(db, "--raw-path", str(raw_small), "--skip-validate", "--", "--vars", new_vars)

    assert result.returncode == 0, explain(result)
    assert "vars changed (pii_salt, touch_event_types): every model rebuilt in full" in result.stderr
    assert "--full-refresh" in next(line for line in result.stderr.splitlines() if " dbt: build" in line)
    assert query(db, read_touches)[0][0] == 0
    after = set(query(db, EMAIL_HASHES))
    assert hashes and after and not hashes & after

    again = run_refresh(db, "--raw-path", str(raw_small), "--skip-validate", "--", "--vars", new_vars)
    assert again.returncode == 0 and "done status=current" in again.stderr, explain(again)


@pytest.mark.dbt
def test_a_changed_macro_rebuilds_the_models_that_use_it(published, raw_small, tmp_path):
    """A changed model, macro or config is found by comparing the project with the published
    build's manifest (dbt's state:modified): the refresh rebuilds those models and what
    depends on them in full, then builds incrementally. hash_email salting after the address
    instead of before changes every e-mail hash of dim_contacts (incremental) with no new
    data; models that do not use it are not rebuilt."""
    db = own_copy_with_record(published, tmp_path)
    before = set(query(db, EMAIL_HASHES))
    project = project_copy(tmp_path)
    macro = project / "macros" / "pii" / "hash_email.sql"
    duckdb_body = """sha256('{{ var("pii_salt") }}' || {{ email_normalized }})"""
    assert duckdb_body in macro.read_text()
    macro.write_text(macro.read_text().replace(duckdb_body, """sha256({{ email_normalized }} || '{{ var("pii_salt") }}')"""))

    result = run_refresh(
        db, "--raw-path", str(raw_small), "--skip-validate", "--project-dir", str(project), "--profiles-dir", str(REPO)
    )

    assert result.returncode == 0, explain(result)
    assert "step=stale status=ok" in result.stderr and "code changed:" in result.stderr, explain(result)
    rebuilt = next(line for line in result.stderr.splitlines() if "step=rebuild status=ok" in line)
    assert " dim_contacts" in rebuilt and " campaign_orders" in rebuilt
    assert " fct_order_attribution" not in rebuilt and " base_raw__contacts" not in rebuilt
    after = set(query(db, EMAIL_HASHES))
    assert before and after and not before & after


def test_obsolete_bi_files_are_this_warehouse_s_per_workspace_files_only(tmp_path):
    """A publish removes the per-workspace files the last one wrote and this one did not, and
    nothing else: not the shared BI file, nor files of the warehouse a record was copied from."""
    db = tmp_path / "warehouse.duckdb"
    paths = refresh_lib.RefreshPaths(db)
    paths.state_dir.mkdir()
    elsewhere = Path("/elsewhere")
    paths.published_state.write_text(json.dumps({"bi": {"per_workspace": True, "files": [
        str(elsewhere / "warehouse_bi.duckdb"), str(elsewhere / "warehouse_bi__w1.duckdb"), str(elsewhere / "other__w2.duckdb"),
    ]}}))
    options = refresh_lib.RefreshOptions(published=db)
    assert refresh_lib.obsolete_bi_files(options, paths) == [tmp_path / "warehouse_bi__w1.duckdb"]
