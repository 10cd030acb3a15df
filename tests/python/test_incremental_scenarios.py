"""Incremental refreshes, one scenario per kind of change, each on a copy of one warehouse built
on all the generated data (its first build), compared with what a full build computes: late
events, a key sent again, rewritten files (a re-exported file is re-read in full, `full` mode),
and the data tests of an incremental build. tests/python/test_incremental.py lands the data in
batches and compares every mart with a full refresh."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from msgwh.contract import ARRIVAL_COLUMN
from tests.conftest import query, run_dbt
from tests.python.incremental_data import BUILD, dbt_vars, differences, garbled, generate, raw_file_hashes

pytestmark = pytest.mark.dbt


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated data set."""
    root = tmp_path_factory.mktemp("scenarios")
    generate(root / "generated")
    return {"root": root}


def _landed_whole(source: Path, raw_dir: Path) -> Path:
    """The generated tables landed as one file each: `raw_dir/<table>/part-0.parquet`."""
    for path in source.glob("*.parquet"):
        (raw_dir / path.stem).mkdir(parents=True)
        (raw_dir / path.stem / "part-0.parquet").write_bytes(path.read_bytes())
    return raw_dir


@pytest.fixture(scope="module")
def whole(generated):
    """One warehouse built (`dbt run`, its first build) on the generated data landed whole,
    for the scenarios to copy instead of each building its own."""
    root = generated["root"]
    raw_dir = _landed_whole(root / "generated", root / "raw_whole")
    run_dbt(["run", *dbt_vars(raw_dir)], root / "whole")
    shutil.copytree(raw_dir, root / "raw_whole_as_built", copy_function=shutil.copy2)
    return {"source": root / "generated", "raw_dir": raw_dir, "db": root / "whole" / "warehouse.duckdb"}


def _copy_of_whole(whole, tmp_path: Path) -> tuple[Path, Path, Path]:
    """The whole-data warehouse copied into `tmp_path` and its landing directory restored as
    built (same path, sizes and modification times: the file manifest sees no change): the
    generated files, the landing directory and the copy."""
    raw_dir = whole["raw_dir"]
    shutil.rmtree(raw_dir)
    shutil.copytree(raw_dir.parent / "raw_whole_as_built", raw_dir, copy_function=shutil.copy2)
    for suffix in ("", ".wal"):
        built = Path(f"{whole['db']}{suffix}")
        if built.exists():
            shutil.copy2(built, tmp_path / f"warehouse.duckdb{suffix}")
    return whole["source"], raw_dir, tmp_path / "warehouse.duckdb"


def test_late_events_move_the_last_touch_and_the_click(whole, tmp_path):
    """Late webhooks, landed as new files and loaded by one incremental build:

    - docs/attribution.md#last-touch: a read event that arrives after the order, stamped one
      hour before it and later than the order's current last touch, becomes the order's last
      touch (the affected-orders expansion reaches orders at or after a touch's time, so an
      order created soon after a late touch must be recomputed);
    - docs/attribution.md#affiliate-conversions: a clicked event that carries a stored click
      id, stamped a minute before the click's first event and naming another message (of
      another workspace than the order), becomes the click's first event (the clicks
      recompute every click id of the event versions a run loaded), and the affiliate
      conversions credited through the click follow it."""
    source, raw_dir, db = _copy_of_whole(whole, tmp_path)
    picked = query(
        db,
        "select workspace_id, order_id, message_id, created_at, touch_at from marts.fct_order_attribution "
        "where attribution_method = 'last_touch' and touch_at < created_at - interval 3 hour "
        "order by workspace_id, order_id limit 1",
    )
    assert picked, "no last-touch order to move"
    workspace_id, order_id, message_id, created_at, _ = picked[0]
    clicked = query(
        db,
        "select clicks.workspace_id, clicks.click_id, clicks.clicked_at, other.message_id "
        "from intermediate.int_affiliate_clicks_resolved_to_offers as clicks "
        "inner join staging.stg_raw__messages as other "
        "on clicks.workspace_id = other.workspace_id and clicks.message_id <> other.message_id "
        "where clicks.click_id in (select click_id from marts.fct_affiliate_conversions where is_attributed) "
        f"and clicks.workspace_id <> '{workspace_id}' "
        "order by clicks.workspace_id, clicks.click_id, other.message_id limit 1",
    )
    assert clicked, "no credited click to move"
    click_workspace_id, click_id, clicked_at, other_message_id = clicked[0]
    events = source / "message_events.parquet"
    with duckdb.connect() as connection:
        connection.execute(
            f"copy (select * replace ("
            f"'{workspace_id}' as workspace_id, 'late-webhook-1' as event_id, '{message_id}' as message_id, "
            f"'read' as event_type, timestamp '{created_at}' - interval 1 hour as occurred_at, "
            f"cast(null as varchar) as click_id, cast(null as varchar) as url) "
            f"from read_parquet('{events}') limit 1) "
            f"to '{raw_dir / 'message_events' / 'part-1.parquet'}' (format parquet)"
        )
        connection.execute(
            f"copy (select * replace ("
            f"'{click_workspace_id}' as workspace_id, 'late-click-1' as event_id, '{other_message_id}' as message_id, "
            f"'clicked' as event_type, timestamp '{clicked_at}' - interval 1 minute as occurred_at, "
            f"'{click_id}' as click_id) "
            f"from read_parquet('{events}') limit 1) "
            f"to '{raw_dir / 'message_events' / 'part-2.parquet'}' (format parquet)"
        )
    run_dbt([*BUILD, *dbt_vars(raw_dir)], tmp_path)
    assert _rows_from_file(db, raw_dir, "message_events", "part-1.parquet") == 1
    moved = query(
        db,
        f"select touch_at, message_id from marts.fct_order_attribution "
        f"where workspace_id = '{workspace_id}' and order_id = '{order_id}'",
    )
    assert moved == [(created_at - dt.timedelta(hours=1), message_id)]
    moved = query(
        db,
        f"select click_event_id, message_id, clicked_at from intermediate.int_affiliate_clicks_resolved_to_offers "
        f"where workspace_id = '{click_workspace_id}' and click_id = '{click_id}'",
    )
    assert moved == [("late-click-1", other_message_id, clicked_at - dt.timedelta(minutes=1))]
    credited = query(
        db,
        f"select distinct message_id from marts.fct_affiliate_conversions "
        f"where workspace_id = '{click_workspace_id}' and click_id = '{click_id}' and is_attributed",
    )
    assert credited == [(other_message_id,)]


def test_a_key_sent_again_keeps_its_stored_version_rejected_by_type(generated, tmp_path):
    """In `delta` mode a base table with `stored_versions` takes a key's older versions from
    its stored rows instead of re-reading the old files. A raw value that did not cast is
    not stored, only the row's `invalid_<column>` rejection: an event exported as text with
    an unreadable time, then sent again with a readable one, stays two rows (the first still
    rejected by its type, the retry usable), as a full read of the files has them (`dbt run`:
    the data tests of incremental builds have their own test)."""
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
    run_dbt(["run", *dbt_vars(raw_dir)], tmp_path)
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
        return run_dbt(["run", *dbt_vars(raw_dir)], tmp_path).stdout

    land("part-1.parquet", "'not a time'")
    retried = (
        "select occurred_at is null, rejection_reason from staging.base_raw__message_events "
        f"where workspace_id = '{workspace_id}' and event_id = 'retried-1'"
    )
    assert query(db, retried) == [(True, "invalid_occurred_at")]
    # the stored version comes from the stored rows: the file it was read from is not opened
    with garbled([events / "part-1.parquet"]):
        land("part-2.parquet", "occurred_at")
    assert sorted(query(db, retried)) == [(False, None), (True, "invalid_occurred_at")]
    staged = f"select count(*) from staging.stg_raw__message_events where workspace_id = '{workspace_id}' and event_id = 'retried-1'"
    assert query(db, staged) == [(1,)]


def _rows_from_file(db: Path, raw_dir: Path, table: str, file_name: str) -> int:
    """The rows of a base table read from the raw file `file_name` (its `_raw_file_hash`)."""
    file_hash = raw_file_hashes(raw_dir / table)[file_name]
    return query(db, f"select count(*) from staging.base_raw__{table} where _raw_file_hash = {file_hash}")[0][0]


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


def test_an_incremental_build_tests_the_rows_it_loaded(whole, tmp_path):
    """In an incremental `dbt build` the generic tests of a staged table read what the run
    loaded (get_where_subquery, docs/DECISIONS.md): a row-level test the usable rows loaded
    by the run, a uniqueness test every stored row sharing tested values with one of them.
    Checked by running the build's compiled tests on rows a broken base model could write.
    Their premise holds too: every staged view (fx rates aside) is its base table's rows
    without a rejection, column for column."""
    source, raw_dir, db = _copy_of_whole(whole, tmp_path)
    _land_a_copied_event(source, raw_dir, "loaded-later-1")
    run_dbt([*BUILD, *dbt_vars(raw_dir)], tmp_path)
    assert _rows_from_file(db, raw_dir, "message_events", "part-1.parquet") == 1
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
    assert len(staged) == len(ARRIVAL_COLUMN) - 1
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

    # the funnel's rows of this run are the message of the new event alone: what the
    # funnel merges and the models recomputing from its changes read
    written = query(
        db,
        "select workspace_id, message_id from staging.base_raw__message_events where event_id = 'loaded-later-1'",
    )[0]
    assert query(db, "select workspace_id, message_id from intermediate.int_message_funnel_this_run") == [written]

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
            "from marts.fct_message_funnel where message_id <> '" + written[1] + "' limit 1)"
        )
    assert query(db, f"select message_id, is_staged, is_in_funnel from ({one_row_per_message}) as failures") == [
        (written[1], True, False)
    ]


def test_rewritten_files_move_a_message_and_redate_a_workspace(whole, tmp_path):
    """Re-exported files (`full` mode: a changed file is re-read whole), loaded by one
    incremental build:

    - messages: a campaign message whose contact is corrected leaves its old (campaign,
      contact) group, which disappears when it was that group's only message
      (campaign_recipients recomputes the groups of funnel rows a run replaced as well as of
      their replacements, int_message_funnel_this_run);
    - workspaces: a time zone change makes campaign_daily_stats recount every day (it adds
      the funnel's changes to its stored days, exact only while every milestone keeps its
      local date), and the cohorts recompute the contacts' new signup dates.

    Every mart equals a full refresh on the same raw data."""
    _, raw_dir, db = _copy_of_whole(whole, tmp_path)
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
    tz_workspace_id, timezone = query(
        db,
        "select workspace_id, timezone from staging.stg_raw__workspaces where workspace_id in "
        "(select workspace_id from marts.campaign_daily_stats) order by workspace_id limit 1",
    )[0]
    moved_to = "Pacific/Kiritimati" if timezone != "Pacific/Kiritimati" else "Pacific/Pago_Pago"
    sent_before = query(db, f"select sum(sent) from marts.campaign_daily_stats where workspace_id = '{tz_workspace_id}'")
    with duckdb.connect() as connection:
        for table, replaced in [
            ("messages", f"case when workspace_id = '{workspace_id}' and message_id = '{message_id}' "
                         f"then '{new_contact}' else contact_id end as contact_id"),
            ("workspaces", f"case when workspace_id = '{tz_workspace_id}' then '{moved_to}' else timezone end as timezone"),
        ]:
            landed = raw_dir / table / "part-0.parquet"
            rewritten = tmp_path / f"{table}.parquet"
            connection.execute(
                f"copy (select * replace ({replaced}) from read_parquet('{landed}')) to '{rewritten}' (format parquet)"
            )
            landed.write_bytes(rewritten.read_bytes())
    run_dbt([*BUILD, *dbt_vars(raw_dir)], tmp_path)
    # the rewritten files were read again in full: every stored row is from their new version
    for table in ("messages", "workspaces"):
        stored = query(db, f"select distinct _raw_file_hash from staging.base_raw__{table}")
        assert stored == [(raw_file_hashes(raw_dir / table)["part-0.parquet"],)]

    groups = query(
        db,
        f"select contact_id, messages_sent from marts.campaign_recipients "
        f"where workspace_id = '{workspace_id}' and campaign_id = '{campaign_id}' "
        f"and contact_id in ('{old_contact}', '{new_contact}')",
    )
    assert groups == [(new_contact, 1)]
    # the same sends, on other local dates
    assert query(db, f"select sum(sent) from marts.campaign_daily_stats where workspace_id = '{tz_workspace_id}'") == sent_before
    assert __differences_from_a_full_refresh(db, raw_dir, tmp_path) == {}


def __differences_from_a_full_refresh(db: Path, raw_dir: Path, tmp_path: Path) -> dict[str, tuple[int, int]]:
    """Per mart: rows only in `db` and rows only in a `dbt run --full-refresh` of the whole
    project on the same raw data, in its own DuckDB file (marts that agree left out; see
    `_differences`). Not a rebuild of the models under test on top of `db`'s incremental
    upstream tables: that shows only that a model's two paths agree on whatever its
    upstream holds, and misses an incremental upstream model that went wrong."""
    full = tmp_path / "full_refresh"
    run_dbt(["run", "--full-refresh", *dbt_vars(raw_dir)], full)
    return differences(db, full / "warehouse.duckdb")
