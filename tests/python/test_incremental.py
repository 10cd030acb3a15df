"""Incremental refreshes equal a full refresh, and a refresh with no new data changes nothing.

The generator writes one data set; this test splits every raw table by its business time
into batches (cut-offs 30, 15 and 5 days before the end, then everything), and holds
about one row in six of most tables back two batches although its timestamps are old:
late events (touches), late contacts, customers and identity links (stitching that
arrives after the orders), late orders, order versions and refunds, late postbacks and
manual imports, late coupons and shared links. Settings-like tables (workspaces, settings,
campaigns, flows, popups, agents, offers, creatives) load in the first batch, since a
change to them recomputes a whole workspace and would mask a missing finer expansion
(checked by hand: dropping the touch expansion makes the equivalence test fail). The batches
land in one raw_path directory as a new Parquet file per table and batch
(`<table>/batch-<k>.parquet`, the way exports land), each followed by an incremental
`dbt build`, so the staging base tables read only new files and the stored rows they reach
(incremental_raw_scope; each base row keeps the file it came from). At the end
every table of the marts schema must equal, row for row (as multisets), a
`dbt build --full-refresh` on all the data in another DuckDB file (`detected_at` of
dq_rejected_rows, the build time, aside). A further build with no new data must leave
every mart as it was, load no row version into the staging base tables and open no raw
file read before (the old files of two tables are garbled for it, their size and time kept).
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from msgwh.contract import ARRIVAL_COLUMN
from msgwh.refresh import raw_file_rows
from tests.conftest import query, run_dbt
from tests.python.incremental_data import BUILD, END, dbt_vars, differences, garbled, generate, raw_file_hashes

pytestmark = pytest.mark.dbt

CUTOFF_DAYS_BEFORE_END = [30, 15, 5]  # then a last batch with everything

# The business time of each raw table (msgwh.contract.ARRIVAL_COLUMN); tables without one
# (settings-like ones: a change to one of them recomputes its whole workspace, which would
# hide a missing key-level expansion from the test) load in the first batch.
BUSINESS_TIME = ARRIVAL_COLUMN
# Tables whose rows may arrive late (two batches after their business time).
NEVER_LATE = {"workspaces", "fx_rates", "agents", "offers", "creatives"}


def _split(source: Path, batches_dir: Path) -> int:
    """Write batches_dir/<k>/<table>.parquet with the rows of batch k; return the count."""
    conn = duckdb.connect()
    cutoffs = [f"timestamp '{END}' - interval {days} day" for days in CUTOFF_DAYS_BEFORE_END]
    n_batches = len(cutoffs) + 1
    for table, time_column in BUSINESS_TIME.items():
        path = source / f"{table}.parquet"
        if time_column is None:
            batch = "0"
        else:
            stamp = f"cast({time_column} as timestamp)"
            on_time = "case " + " ".join(
                f"when {stamp} <= {cutoff} then {index}" for index, cutoff in enumerate(cutoffs)
            ) + f" else {n_batches - 1} end"
            if table in NEVER_LATE:
                batch = on_time
            else:
                # about one row in six arrives two batches late, its timestamps unchanged
                late = "(hash(cast(source_rows as varchar)) % 6 = 0)"
                batch = f"least({n_batches - 1}, {on_time} + case when {late} then 2 else 0 end)"
        for index in range(n_batches):
            out = batches_dir / str(index)
            out.mkdir(parents=True, exist_ok=True)
            conn.execute(
                f"copy (select * from read_parquet('{path}') as source_rows where {batch} = {index}) "
                f"to '{out / (table + '.parquet')}' (format parquet)"
            )
    conn.close()
    return n_batches


def _load(batches_dir: Path, index: int, raw_dir: Path) -> None:
    """Land batch `index`: a new file per table with rows in it (`<table>/batch-<k>.parquet`)."""
    conn = duckdb.connect()
    for path in sorted((batches_dir / str(index)).glob("*.parquet")):
        if index and not conn.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]:
            continue  # nothing of this table in the batch: no file lands
        (raw_dir / path.stem).mkdir(parents=True, exist_ok=True)
        (raw_dir / path.stem / f"batch-{index}.parquet").write_bytes(path.read_bytes())
    conn.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Generated data split into batches, and a full refresh on all of it (the reference)."""
    root = tmp_path_factory.mktemp("incremental")
    source = generate(root / "generated")
    n_batches = _split(source, root / "batches")
    full = root / "full"
    run_dbt([*BUILD, "--full-refresh", *dbt_vars(source)], full)
    return {"root": root, "batches": root / "batches", "n_batches": n_batches, "full": full}


@pytest.fixture(scope="module")
def incremental_runs(generated):
    """The batches landed one by one as new files, with an incremental build after each."""
    workdir = generated["root"] / "incremental"
    raw_dir = generated["root"] / "raw_batches"
    files_read, funnel_rows, watermarks_after_partial_build = [], [], None
    db = workdir / "warehouse.duckdb"
    for index in range(generated["n_batches"]):
        _load(generated["batches"], index, raw_dir)
        if index == 1:
            # a build of the funnel alone first: the models that recompute from its rows of
            # a run miss this one, so the next build must have them recompute everything
            run_dbt(["run", "--select", "+fct_message_funnel", "incremental_watermarks", *dbt_vars(raw_dir)], workdir)
            watermarks_after_partial_build = query(
                db, "select count(distinct processed_until) from intermediate.incremental_watermarks"
            )[0][0]
        run_dbt([*BUILD, *dbt_vars(raw_dir)], workdir)
        files_read.append(_files_read(db, raw_dir))
        funnel_rows.append(query(
            db,
            "select (select count(*) from intermediate.int_message_funnel_this_run), "
            "(select count(*) from marts.fct_message_funnel), "
            "(select count(distinct processed_until) from intermediate.incremental_watermarks)",
        )[0])
    return {
        "raw_dir": raw_dir, "incremental": workdir, "full": generated["full"], "files_read": files_read,
        "funnel_rows": funnel_rows, "watermarks_after_partial_build": watermarks_after_partial_build,
    }


def _rows(path: Path) -> int:
    with duckdb.connect() as connection:
        return raw_file_rows(connection, str(path))


def _files_read(db: Path, raw_dir: Path) -> dict[str, set[str]]:
    """base table -> the names of the raw files its rows came from (their `_raw_file_hash`)."""
    found = {}
    for table in BUSINESS_TIME:
        hashes = {row[0] for row in query(db, f"select distinct _raw_file_hash from staging.base_raw__{table}")}
        found[table] = {name for name, file_hash in raw_file_hashes(raw_dir / table).items() if file_hash in hashes}
    return found


def test_incremental_batches_equal_full_refresh(incremental_runs):
    """Every mart built batch by batch equals a full refresh on all the data."""
    # after each build, every base table holds the rows of every file landed for it (with rows)
    raw_dir = incremental_runs["raw_dir"]
    for index, files_read in enumerate(incremental_runs["files_read"]):
        landed = {
            table: {
                path.name for path in (raw_dir / table).glob("batch-*.parquet")
                if int(path.stem.split("-")[1]) <= index and _rows(path)
            }
            for table in BUSINESS_TIME
        }
        assert files_read == landed, index
    # each refresh wrote part of the funnel, and left every model that recomputes from the
    # funnel's rows of a run at the funnel's watermark; the funnel built alone before the
    # second one left the models downstream of it behind, so that refresh had no funnel
    # rows to write and they caught up by recomputing everything
    assert incremental_runs["watermarks_after_partial_build"] == 2
    for index, (this_run, funnel, watermarks) in enumerate(incremental_runs["funnel_rows"]):
        if index:
            assert (this_run == 0) if index == 1 else (0 < this_run < funnel), index
        assert watermarks == 1
    incremental_db = incremental_runs["incremental"] / "warehouse.duckdb"
    full_db = incremental_runs["full"] / "warehouse.duckdb"
    assert query(full_db, "select count(*) from marts.fct_order_attribution")[0][0] > 0
    assert differences(incremental_db, full_db) == {}
    # every staging base table too: each raw row once, typed and checked as a full read
    # does (older versions taken from the stored rows in `delta` mode included)
    assert differences(incremental_db, full_db, "staging", "base_raw__") == {}


def test_refresh_without_new_data_changes_nothing(incremental_runs):
    """A second refresh with no new data: same marts, no new row versions in staging."""
    workdir = incremental_runs["incremental"]
    db = workdir / "warehouse.duckdb"
    snapshot = workdir / "before.duckdb"
    snapshot.write_bytes(db.read_bytes())
    # files read before are never opened again: garbled in place, size and time kept
    raw_dir = incremental_runs["raw_dir"]
    with garbled(sorted((raw_dir / "messages").glob("*.parquet")) + sorted((raw_dir / "message_events").glob("*.parquet"))):
        run_dbt([*BUILD, *dbt_vars(raw_dir)], workdir)

    assert differences(db, snapshot) == {}
    base_tables = [
        row[0]
        for row in query(
            db,
            "select table_name from information_schema.tables "
            "where table_schema = 'staging' and table_name like 'base_raw__%'",
        )
    ]
    latest_run = query(db, "select max(processed_until) from intermediate.incremental_watermarks")[0][0]
    new_versions = {
        table: query(db, f"select count(*) from staging.{table} where _loaded_at >= '{latest_run}'")[0][0]
        for table in base_tables
    }
    assert {table: count for table, count in new_versions.items() if count} == {}
    # and the marts that merge the rows of their run had none to merge
    for this_run in ("int_message_funnel_this_run", "int_order_attribution_this_run"):
        assert query(db, f"select count(*) from intermediate.{this_run}")[0][0] == 0, this_run
