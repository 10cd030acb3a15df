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
land in one raw_path directory in either of two layouts, each loaded one by one with an
incremental `dbt build`: `files`, a new Parquet file per table and batch
(`<table>/batch-<k>.parquet`, the way exports land), so the staging base tables read only
new files and the keys they reach (incremental_raw_scope's `new_files` and `delta` modes,
asserted from dbt's log); and `rewritten`, one file per table rewritten with everything so
far, so a changed file makes them re-read everything (`full` mode). At the end
every table of the marts schema must equal, row for row (as multisets), a
`dbt build --full-refresh` on all the data in another DuckDB file (`detected_at` of
dq_rejected_rows, the build time, aside). A further build with no new data must leave
every mart as it was, load no row version into the staging base tables and, in the
`files` layout, read no raw row at all (`skip` mode).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from msgwh.contract import ARRIVAL_COLUMN
from tests.conftest import REPO, query, run_dbt

pytestmark = pytest.mark.dbt

BUILD = ["build", "--exclude-resource-type", "unit_test", "seed"]
END = "2026-10-31"
DAYS = 45
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


def _load(batches_dir: Path, index: int, raw_dir: Path, layout: str) -> None:
    """Land batch `index`: a new file per table, or each table's one file rewritten."""
    conn = duckdb.connect()
    for path in sorted((batches_dir / str(index)).glob("*.parquet")):
        table = path.stem
        if index and not conn.execute(f"select count(*) from read_parquet('{path}')").fetchone()[0]:
            continue  # nothing of this table in the batch: no file lands
        if layout == "files":
            (raw_dir / table).mkdir(parents=True, exist_ok=True)
            (raw_dir / table / f"batch-{index}.parquet").write_bytes(path.read_bytes())
        else:
            raw_dir.mkdir(parents=True, exist_ok=True)
            so_far = [str(batches_dir / str(k) / path.name) for k in range(index + 1)]
            conn.execute(f"copy (select * from read_parquet({so_far})) to '{raw_dir / path.name}' (format parquet)")
    conn.close()


def _read_modes(output: str) -> dict[str, str]:
    """base table -> mode, from the `<model> reads: <mode> (...)` lines dbt logged."""
    modes = {}
    for line in output.splitlines():
        match = re.search(r"(base_raw__\w+) reads: (\w+)", line)
        if match:
            modes[match.group(1)] = match.group(2)
    return modes


def _vars(raw_dir: Path) -> list[str]:
    return ["--vars", "{raw_path: '" + str(raw_dir) + "'}"]


def _tables(db: Path, schema: str = "marts", prefix: str = "") -> list[str]:
    rows = query(
        db,
        "select table_name from information_schema.tables "
        f"where table_schema = '{schema}' and table_type = 'BASE TABLE' "
        f"and starts_with(table_name, '{prefix}') order by table_name",
    )
    return [row[0] for row in rows]


def _differences(left_db: Path, right_db: Path, schema: str = "marts", prefix: str = "") -> dict[str, tuple[int, int]]:
    """Per table of `schema` whose name starts with `prefix` (every mart by default): rows
    only in left, rows only in right (multiset difference). When a row was detected or
    loaded is not compared."""
    tables = _tables(left_db, schema, prefix)
    assert tables == _tables(right_db, schema, prefix)
    differences = {}
    conn = duckdb.connect()
    conn.execute(f"attach '{left_db}' as left_db (read_only)")
    conn.execute(f"attach '{right_db}' as right_db (read_only)")
    for table in tables:
        columns = "*"
        if table == "dq_rejected_rows":
            columns = "* exclude (detected_at)"
        elif table.startswith("base_raw__"):
            columns = "* exclude (_loaded_at)"
        left = f"select {columns} from left_db.{schema}.{table}"
        right = f"select {columns} from right_db.{schema}.{table}"
        only_left = conn.execute(f"select count(*) from ({left} except all {right})").fetchone()[0]
        only_right = conn.execute(f"select count(*) from ({right} except all {left})").fetchone()[0]
        if only_left or only_right:
            differences[table] = (only_left, only_right)
    conn.close()
    return differences


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """Generated data split into batches, and a full refresh on all of it (the reference)."""
    root = tmp_path_factory.mktemp("incremental")
    source = root / "generated"
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "generate_data.py"),
            "--out", str(source), "--contacts", "400", "--days", str(DAYS),
            "--end-date", END, "--seed", "11", "--format", "parquet", "--threads", "2",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    n_batches = _split(source, root / "batches")
    full = root / "full"
    run_dbt([*BUILD, "--full-refresh", *_vars(source)], full)
    return {"root": root, "batches": root / "batches", "n_batches": n_batches, "full": full}


@pytest.fixture(scope="module", params=["files", "rewritten"])
def incremental_runs(request, generated):
    """The batches landed one by one in `layout`, with an incremental build after each."""
    layout = request.param
    workdir = generated["root"] / f"incremental_{layout}"
    raw_dir = generated["root"] / f"raw_{layout}"
    modes, outputs = [], []
    for index in range(generated["n_batches"]):
        _load(generated["batches"], index, raw_dir, layout)
        outputs.append(run_dbt([*BUILD, *_vars(raw_dir)], workdir).stdout)
        modes.append(_read_modes(outputs[-1]))
    return {
        "layout": layout, "raw_dir": raw_dir, "incremental": workdir, "full": generated["full"],
        "modes": modes, "outputs": outputs,
    }


def test_incremental_batches_equal_full_refresh(incremental_runs):
    """Every mart built batch by batch equals a full refresh on all the data."""
    modes = incremental_runs["modes"]
    assert len(modes[0]) == len(BUSINESS_TIME)
    assert set(modes[0].values()) == {"full"}  # the first build has nothing stored
    later = {mode for batch in modes[1:] for mode in batch.values()}
    if incremental_runs["layout"] == "files":
        # new files only, new keys; late rows reaching stored keys; untouched tables
        assert {"new_files", "delta", "skip"} <= later
        # late events reach stored keys: their older versions come from the stored rows
        assert any(
            re.search(r"base_raw__message_events reads: delta \(.*older versions from the stored rows", output)
            for output in incremental_runs["outputs"][1:]
        )
    else:
        # a rewritten file is re-read in full; a table with nothing new is skipped
        assert later == {"full", "skip"}
    # campaign_recipients read only the funnel's logged changes (its log exists from the first build)
    for output in incremental_runs["outputs"][1:]:
        assert "campaign_recipients reads the change log of fct_message_funnel: logged groups" in output
        assert "int_conversations_counted_per_day reads the change log of fct_message_funnel: logged groups" in output
    incremental_db = incremental_runs["incremental"] / "warehouse.duckdb"
    full_db = incremental_runs["full"] / "warehouse.duckdb"
    assert query(full_db, "select count(*) from marts.fct_order_attribution")[0][0] > 0
    assert _differences(incremental_db, full_db) == {}
    # every staging base table too: each raw row once, typed and checked as a full read
    # does (older versions taken from the stored rows in `delta` mode included)
    assert _differences(incremental_db, full_db, "staging", "base_raw__") == {}


def test_refresh_without_new_data_changes_nothing(incremental_runs):
    """A second refresh with no new data: same marts, no new row versions in staging."""
    workdir = incremental_runs["incremental"]
    db = workdir / "warehouse.duckdb"
    snapshot = workdir / "before.duckdb"
    snapshot.write_bytes(db.read_bytes())
    modes = _read_modes(run_dbt([*BUILD, *_vars(incremental_runs["raw_dir"])], workdir).stdout)

    assert set(modes.values()) == {"skip"}
    assert _differences(db, snapshot) == {}
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
    # the change log keeps only what its readers have not processed: nothing now
    assert query(db, "select count(*) from intermediate.fct_message_funnel__changes")[0][0] == 0


def _landed_whole(source: Path, raw_dir: Path) -> Path:
    """The generated tables landed as one file each: `raw_dir/<table>/part-0.parquet`."""
    for path in source.glob("*.parquet"):
        (raw_dir / path.stem).mkdir(parents=True)
        (raw_dir / path.stem / "part-0.parquet").write_bytes(path.read_bytes())
    return raw_dir


def _built_on_whole_data(generated, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The generated data landed whole under `tmp_path` and built incrementally (its first
    build): the generated files, the landing directory and the warehouse."""
    source = generated["root"] / "generated"
    raw_dir = _landed_whole(source, tmp_path / "raw")
    run_dbt([*BUILD, *_vars(raw_dir)], tmp_path)
    return source, raw_dir, tmp_path / "warehouse.duckdb"


def test_a_late_touch_moves_the_last_touch_of_an_older_order(generated, tmp_path):
    """docs/attribution.md#last-touch with a late webhook: a read event that arrives after the
    order, stamped one hour before it and later than the order's current last touch, becomes the
    order's last touch on the next incremental build (the affected-orders expansion reaches
    orders at or after a touch's time, so an order created soon after a late touch must be
    recomputed)."""
    source, raw_dir, db = _built_on_whole_data(generated, tmp_path)
    picked = query(
        db,
        "select workspace_id, order_id, message_id, created_at, touch_at from marts.fct_order_attribution "
        "where attribution_method = 'last_touch' and touch_at < created_at - interval 3 hour "
        "order by workspace_id, order_id limit 1",
    )
    assert picked, "no last-touch order to move"
    workspace_id, order_id, message_id, created_at, _ = picked[0]
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * replace ("
            f"'{workspace_id}' as workspace_id, 'late-webhook-1' as event_id, '{message_id}' as message_id, "
            f"'read' as event_type, timestamp '{created_at}' - interval 1 hour as occurred_at, "
            f"null as click_id, null as url) "
            f"from read_parquet('{source / 'message_events.parquet'}') limit 1) "
            f"to '{raw_dir / 'message_events' / 'part-1.parquet'}' (format parquet)"
        )
    output = run_dbt([*BUILD, *_vars(raw_dir)], tmp_path).stdout
    assert "base_raw__message_events reads: new_files" in output or "base_raw__message_events reads: delta" in output
    moved = query(
        db,
        f"select touch_at, message_id from marts.fct_order_attribution "
        f"where workspace_id = '{workspace_id}' and order_id = '{order_id}'",
    )
    assert moved == [(created_at - dt.timedelta(hours=1), message_id)]


def test_a_late_earlier_click_moves_the_click_to_its_message(generated, tmp_path):
    """docs/attribution.md#affiliate-conversions with a late webhook: a clicked event that
    arrives later but carries a stored click id, stamped a minute before the click's first event
    and naming another message, becomes the click's first event on the next incremental build
    (the clicks recompute every click id of the event versions a run loaded), and the affiliate
    conversions credited through the click follow it."""
    source, raw_dir, db = _built_on_whole_data(generated, tmp_path)
    picked = query(
        db,
        "select clicks.workspace_id, clicks.click_id, clicks.clicked_at, other.message_id "
        "from intermediate.int_affiliate_clicks_resolved_to_offers as clicks "
        "inner join staging.stg_raw__messages as other "
        "on clicks.workspace_id = other.workspace_id and clicks.message_id <> other.message_id "
        "where clicks.click_id in (select click_id from marts.fct_affiliate_conversions where is_attributed) "
        "order by clicks.workspace_id, clicks.click_id, other.message_id limit 1",
    )
    assert picked, "no credited click to move"
    workspace_id, click_id, clicked_at, other_message_id = picked[0]
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * replace ("
            f"'{workspace_id}' as workspace_id, 'late-click-1' as event_id, '{other_message_id}' as message_id, "
            f"'clicked' as event_type, timestamp '{clicked_at}' - interval 1 minute as occurred_at, "
            f"'{click_id}' as click_id) "
            f"from read_parquet('{source / 'message_events.parquet'}') limit 1) "
            f"to '{raw_dir / 'message_events' / 'part-1.parquet'}' (format parquet)"
        )
    run_dbt([*BUILD, *_vars(raw_dir)], tmp_path)
    moved = query(
        db,
        f"select click_event_id, message_id, clicked_at from intermediate.int_affiliate_clicks_resolved_to_offers "
        f"where workspace_id = '{workspace_id}' and click_id = '{click_id}'",
    )
    assert moved == [("late-click-1", other_message_id, clicked_at - dt.timedelta(minutes=1))]
    credited = query(
        db,
        f"select distinct message_id from marts.fct_affiliate_conversions "
        f"where workspace_id = '{workspace_id}' and click_id = '{click_id}' and is_attributed",
    )
    assert credited == [(other_message_id,)]


def test_a_key_sent_again_keeps_its_stored_version_rejected_by_type(generated, tmp_path):
    """In `delta` mode a base table with `stored_versions` takes a key's older versions from
    its stored rows instead of re-reading the old files. A raw value that did not cast is
    not stored, only the row's `invalid_<column>` rejection: an event exported as text with
    an unreadable time, then sent again with a readable one, stays two rows (the first still
    rejected by its type, the retry usable), as a full read of the files has them."""
    source = generated["root"] / "generated"
    raw_dir = _landed_whole(source, tmp_path / "raw")
    events = raw_dir / "message_events"
    with duckdb.connect() as connection:
        # the events exported as text: the contract types apply when they are staged
        columns = connection.execute(f"select * from read_parquet('{events / 'part-0.parquet'}') limit 0").description
        as_text = ", ".join(f"cast({column[0]} as varchar) as {column[0]}" for column in columns)
        connection.execute(
            f"copy (select {as_text} from read_parquet('{source / 'message_events.parquet'}')) "
            f"to '{events / 'part-0.parquet'}' (format parquet)"
        )
    run_dbt([*BUILD, *_vars(raw_dir)], tmp_path)
    db = tmp_path / "warehouse.duckdb"
    # a usable event sent once (retries would copy as several rows)
    workspace_id, event_id = query(
        db,
        "select workspace_id, event_id from staging.base_raw__message_events group by workspace_id, event_id "
        "having count(*) = 1 and bool_and(rejection_reason is null) order by workspace_id, event_id limit 1",
    )[0]

    def land(name: str, occurred_at: str) -> str:
        with duckdb.connect() as connection:
            connection.execute(
                f"copy (select * replace ('retried-1' as event_id, {occurred_at} as occurred_at) "
                f"from read_parquet('{events / 'part-0.parquet'}') "
                f"where workspace_id = '{workspace_id}' and event_id = '{event_id}') "
                f"to '{events / name}' (format parquet)"
            )
        return run_dbt([*BUILD, *_vars(raw_dir)], tmp_path).stdout

    land("part-1.parquet", "'not a time'")
    retried = (
        "select occurred_at is null, rejection_reason from staging.base_raw__message_events "
        f"where workspace_id = '{workspace_id}' and event_id = 'retried-1'"
    )
    assert query(db, retried) == [(True, "invalid_occurred_at")]
    output = land("part-2.parquet", "occurred_at")
    assert re.search(r"base_raw__message_events reads: delta \(.*older versions from the stored rows", output)
    assert sorted(query(db, retried)) == [(False, None), (True, "invalid_occurred_at")]
    staged = f"select count(*) from staging.stg_raw__message_events where workspace_id = '{workspace_id}' and event_id = 'retried-1'"
    assert query(db, staged) == [(1,)]


def _run_results(workdir: Path) -> dict[str, dict]:
    """The last dbt invocation's results under `workdir`, by unique id."""
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    return {result["unique_id"]: result for result in results}


def _failing_rows(db: Path, compiled_test: str) -> int:
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(f"select count(*) from ({compiled_test}) as failures").fetchone()[0]


def _land_a_copied_event(source: Path, raw_dir: Path, event_id: str) -> None:
    """A new message_events file: one generated event of a message, under a new event_id."""
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * replace ('{event_id}' as event_id) "
            f"from read_parquet('{source / 'message_events.parquet'}') where message_id is not null limit 1) "
            f"to '{raw_dir / 'message_events' / 'part-1.parquet'}' (format parquet)"
        )


def test_an_incremental_build_tests_the_rows_it_loaded(generated, tmp_path):
    """In an incremental `dbt build` the generic tests of a staged table read what the run
    loaded (get_where_subquery, docs/DECISIONS.md): a row-level test the usable rows loaded
    by the run, a uniqueness test every stored row sharing tested values with one of them;
    the uniqueness test of an incremental model with a change log the keys the run inserted.
    Checked by running the build's compiled tests on rows a broken base model could write.
    Their premise holds too: every staged view (fx rates aside) is its base table's rows
    without a rejection, column for column."""
    source, raw_dir, db = _built_on_whole_data(generated, tmp_path)
    _land_a_copied_event(source, raw_dir, "loaded-later-1")
    output = run_dbt([*BUILD, *_vars(raw_dir)], tmp_path).stdout
    assert "base_raw__message_events reads: new_files" in output
    results = _run_results(tmp_path)
    prefix = "test.msgwh."
    orphans = next(
        result["compiled_code"] for uid, result in results.items()
        if uid.startswith(prefix + "related_in_workspace_stg_raw__message_events_message_id__message_id__ref_stg_raw__messages_")
    )
    unique = next(
        result["compiled_code"] for uid, result in results.items()
        if uid.startswith(prefix + "unique_combination_of_columns_stg_raw__message_events_workspace_id__event_id.")
    )
    assert "_loaded_at = " in orphans and "_loaded_at = " in unique
    assert (_failing_rows(db, orphans), _failing_rows(db, unique)) == (0, 0)

    staged = query(
        db,
        "select table_name from information_schema.tables where table_schema = 'staging' "
        "and table_name like 'stg_raw__%' and table_name != 'stg_raw__fx_rates'",
    )
    assert len(staged) == len(BUSINESS_TIME) - 1
    for (view,) in staged:
        base = "base_raw__" + view.removeprefix("stg_raw__")
        columns = ", ".join(row[0] for row in query(
            db,
            f"select column_name from information_schema.columns where table_schema = 'staging' "
            f"and table_name = '{view}' order by ordinal_position",
        ))
        usable = f"select {columns} from staging.{base} where rejection_reason is null"
        differing = query(
            db,
            f"select count(*) from (({usable} except all select {columns} from staging.{view}) "
            f"union all (select {columns} from staging.{view} except all {usable}))",
        )[0][0]
        assert differing == 0, view

    latest = "(select max(_loaded_at) from staging.base_raw__message_events)"
    stored = f"from staging.base_raw__message_events where rejection_reason is null and _loaded_at < {latest} limit 1"
    with duckdb.connect(str(db)) as connection:
        # rows a broken base model could write: this run, an event of no message and a stored
        # event's key again; an earlier run, an event of no message
        connection.execute(
            "insert into staging.base_raw__message_events select * replace ('loaded-later-2' as event_id, "
            "'no-such-message' as message_id) from staging.base_raw__message_events where event_id = 'loaded-later-1'"
        )
        connection.execute(f"insert into staging.base_raw__message_events select * replace ({latest} as _loaded_at) {stored}")
        connection.execute(
            "insert into staging.base_raw__message_events select * replace ('loaded-earlier' as event_id, "
            f"'no-such-message' as message_id) {stored}"
        )
    # the run's orphan fails, the earlier one is not this run's; the key loaded again fails
    # with its stored twin (a group of two)
    assert _failing_rows(db, orphans) == 1
    assert query(db, f"select row_count from ({unique}) as failures") == [(2,)]

    # an incremental model with a change log: its uniqueness test reads the keys the run
    # logged as inserted (the message of the new event); the log of a model without
    # readers holds this run's rows only
    funnel_unique = next(
        result["compiled_code"] for uid, result in results.items()
        if uid.startswith(prefix + "unique_combination_of_columns_fct_message_funnel_workspace_id__message_id.")
    )
    assert "fct_message_funnel__changes" in funnel_unique
    assert _failing_rows(db, funnel_unique) == 0
    assert query(db, "select count(distinct logged_at) from intermediate.int_message_events_aggregated__changes") == [(1,)]
    written = query(
        db,
        "select workspace_id, message_id from staging.base_raw__message_events where event_id = 'loaded-later-1'",
    )[0]
    logged = query(
        db,
        "select count(*) from intermediate.fct_message_funnel__changes where change_kind = 'new' "
        f"and workspace_id = '{written[0]}' and message_id = '{written[1]}'",
    )
    assert logged == [(1,)]
    with duckdb.connect(str(db)) as connection:
        # what a broken strategy could leave: the written row twice, and an earlier row twice
        connection.execute(
            f"insert into marts.fct_message_funnel select * from marts.fct_message_funnel "
            f"where workspace_id = '{written[0]}' and message_id = '{written[1]}'"
        )
        connection.execute(
            "insert into marts.fct_message_funnel select * from marts.fct_message_funnel as funnel "
            "where not exists (select 1 from intermediate.fct_message_funnel__changes as changes "
            "where changes.workspace_id = funnel.workspace_id and changes.message_id = funnel.message_id) limit 1"
        )
    assert query(db, f"select message_id, row_count from ({funnel_unique}) as failures") == [(written[1], 2)]

    # the singular funnel test compares the messages the run touched: a written message
    # whose funnel rows vanish is found; a message of an earlier run is not compared again
    one_row_per_message = next(
        result["compiled_code"] for uid, result in results.items()
        if uid.startswith(prefix + "assert_funnel_has_one_row_per_staged_message")
    )
    assert "touched_messages" in one_row_per_message
    with duckdb.connect(str(db)) as connection:
        connection.execute(
            f"delete from marts.fct_message_funnel where workspace_id = '{written[0]}' and message_id = '{written[1]}'"
        )
        connection.execute(
            "delete from marts.fct_message_funnel where (workspace_id, message_id) in (select workspace_id, message_id "
            "from marts.fct_message_funnel as funnel where not exists (select 1 from intermediate.fct_message_funnel__changes "
            "as changes where changes.workspace_id = funnel.workspace_id and changes.message_id = funnel.message_id) limit 1)"
        )
    assert query(db, f"select message_id, is_staged, is_in_funnel from ({one_row_per_message}) as failures") == [
        (written[1], True, False)
    ]


def test_a_change_log_whose_columns_changed_is_taken_as_rebuilt(generated, tmp_path):
    """A project upgrade that changes a model's change_log_columns finds the old log: the
    next incremental run recreates it with a 'rebuilt' row, so its readers recompute every
    group and its tests read the whole table, rather than failing or reading half a log."""
    source, raw_dir, db = _built_on_whole_data(generated, tmp_path)
    with duckdb.connect(str(db)) as connection:
        connection.execute("alter table intermediate.fct_message_funnel__changes drop column conversation_category")
    _land_a_copied_event(source, raw_dir, "loaded-later-1")
    output = run_dbt([*BUILD, *_vars(raw_dir)], tmp_path).stdout
    for reader in ("campaign_recipients", "dim_contacts", "int_conversations_counted_per_day"):
        assert f"{reader} reads the change log of fct_message_funnel: every group" in output
    columns = {row[0] for row in query(
        db,
        "select column_name from information_schema.columns "
        "where table_schema = 'intermediate' and table_name = 'fct_message_funnel__changes'",
    )}
    assert "conversation_category" in columns
    assert query(db, "select count(*) from intermediate.fct_message_funnel__changes where change_kind = 'rebuilt'") == [(1,)]
    funnel_unique = next(
        result["compiled_code"] for uid, result in _run_results(tmp_path).items()
        if uid.startswith("test.msgwh.unique_combination_of_columns_fct_message_funnel_workspace_id__message_id.")
    )
    assert "__changes" not in funnel_unique


def test_a_message_moved_to_another_contact_leaves_its_old_recipient_group(generated, tmp_path):
    """campaign_recipients recomputes the groups of funnel rows a run replaced as well as of
    their replacements (the funnel's change log): a campaign message whose contact is
    corrected in a re-exported file leaves its old (campaign, contact) group, which disappears
    when it was that group's only message, and every mart equals a full refresh on the same
    raw data."""
    _, raw_dir, db = _built_on_whole_data(generated, tmp_path)
    moved = query(
        db,
        "select funnel.workspace_id, funnel.message_id, funnel.campaign_id, funnel.contact_id, other.contact_id "
        "from marts.fct_message_funnel as funnel "
        "inner join marts.campaign_recipients as recipients using (workspace_id, campaign_id, contact_id) "
        "inner join staging.stg_raw__contacts as other "
        "on other.workspace_id = funnel.workspace_id and other.contact_id != funnel.contact_id "
        "where funnel.source_type = 'campaign' and recipients.messages_sent = 1 "
        "and not exists (select 1 from marts.campaign_recipients as taken where taken.workspace_id = funnel.workspace_id "
        "and taken.campaign_id = funnel.campaign_id and taken.contact_id = other.contact_id) "
        "order by 1, 2, 5 limit 1",
    )
    assert moved, "no single-message recipient to move"
    workspace_id, message_id, campaign_id, old_contact, new_contact = moved[0]
    messages_file = raw_dir / "messages" / "part-0.parquet"
    rewritten = tmp_path / "messages.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * replace (case when workspace_id = '{workspace_id}' and message_id = '{message_id}' "
            f"then '{new_contact}' else contact_id end as contact_id) from read_parquet('{messages_file}')) "
            f"to '{rewritten}' (format parquet)"
        )
    messages_file.write_bytes(rewritten.read_bytes())
    output = run_dbt([*BUILD, *_vars(raw_dir)], tmp_path).stdout
    assert "base_raw__messages reads: full" in output

    groups = query(
        db,
        f"select contact_id, messages_sent from marts.campaign_recipients "
        f"where workspace_id = '{workspace_id}' and campaign_id = '{campaign_id}' "
        f"and contact_id in ('{old_contact}', '{new_contact}')",
    )
    assert groups == [(new_contact, 1)]
    assert _differences_from_a_full_refresh(db, raw_dir, tmp_path) == {}


def _differences_from_a_full_refresh(db: Path, raw_dir: Path, tmp_path: Path) -> dict[str, tuple[int, int]]:
    """Per mart: rows only in `db` and rows only in a `dbt run --full-refresh` of the whole
    project on the same raw data, in its own DuckDB file (marts that agree left out; see
    `_differences`). Not a rebuild of the models under test on top of `db`'s incremental
    upstream tables: that shows only that a model's two paths agree on whatever its
    upstream holds, and misses an incremental upstream model that went wrong."""
    full = tmp_path / "full_refresh"
    run_dbt(["run", "--full-refresh", *_vars(raw_dir)], full)
    return _differences(db, full / "warehouse.duckdb")


def test_a_workspace_time_zone_change_redates_the_campaign_days(generated, tmp_path):
    """campaign_daily_stats adds the funnel's logged changes to its stored days, which is
    exact while every milestone keeps its local date: a workspace whose time zone changes
    (its file re-exported) makes the next run recount every day, and the table equals a
    full refresh. The cohorts recompute the contacts' new signup dates: every mart equals a
    full refresh on the same raw data."""
    _, raw_dir, db = _built_on_whole_data(generated, tmp_path)
    workspaces_file = raw_dir / "workspaces" / "part-0.parquet"
    workspace_id, timezone = query(
        db,
        "select workspace_id, timezone from staging.stg_raw__workspaces where workspace_id in "
        "(select workspace_id from marts.campaign_daily_stats) order by workspace_id limit 1",
    )[0]
    moved_to = "Pacific/Kiritimati" if timezone != "Pacific/Kiritimati" else "Pacific/Pago_Pago"
    before = query(db, f"select sum(sent), count(*) from marts.campaign_daily_stats where workspace_id = '{workspace_id}'")
    rewritten = tmp_path / "workspaces.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * replace (case when workspace_id = '{workspace_id}' then '{moved_to}' "
            f"else timezone end as timezone) from read_parquet('{workspaces_file}')) to '{rewritten}' (format parquet)"
        )
    workspaces_file.write_bytes(rewritten.read_bytes())
    output = run_dbt([*BUILD, *_vars(raw_dir)], tmp_path).stdout
    assert "campaign_daily_stats recounts every day: a workspace changed" in output
    after = query(db, f"select sum(sent), count(*) from marts.campaign_daily_stats where workspace_id = '{workspace_id}'")
    assert after[0][0] == before[0][0]  # the same sends, on other local dates
    assert _differences_from_a_full_refresh(db, raw_dir, tmp_path) == {}
