"""The bad-input corpus (tests/data/bad_input, issue 6): the warehouse survives every kind of
bad raw row, records each with its precise reason, and attributes the good rows exactly as
if the bad rows were absent.

Two builds from CSV files (var raw_path): the good rows alone, and the good rows with the
bad rows appended table by table. Then:

* `marts.dq_rejected_rows` of the second build holds exactly the rows of
  expected_rejections.csv (source table, row key, reason, disposition), and the first
  build exactly its `good` rows (webhook retries, order updates, nulled fields);
* every mart except dq_rejected_rows and raw_table_freshness (raw rows, bad ones too, judged
  at build time) is identical, row for row, in the two builds;
* display text (quotes, emoji, a line break, 5,000 characters) reaches the marts unchanged;
* every raw order is in fct_order_attribution or rejected (docs/contract.md#bad-input).

The corpus found bad input staging did not catch (uncastable CSV text failed the build;
blank ids and impossible timestamps were staged); those rows are in bad/ like the others
(build_corpus.add_rows_the_corpus_found).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from msgwh.contract import RAW_TABLES, columns
from tests.conftest import REPO, load_script, query, run_dbt

pytestmark = pytest.mark.dbt

CORPUS = REPO / "tests" / "data" / "bad_input"
build_corpus = load_script(CORPUS / "build_corpus.py")

VARS = {"dq_as_of": build_corpus.DQ_AS_OF}
# the kinds of bad input docs/contract.md#bad-input and issue 6 name, as expected_rejections.csv spells them
NAMED_KINDS = {
    "null_id", "unknown_id", "negative_amount", "null_amount", "absurd_amount", "unparseable_phone",
    "impossible_phone", "malformed_email", "future_timestamp", "timestamp_before_2000", "event_for_unknown_message",
    "order_for_unknown_customer", "currency_without_rate", "duplicate_conflicting", "duplicate_exact",
    "unknown_enum_value", "text_quotes_emoji_long", "uncastable_value", "blank_id", "inconsistent_timestamps",
    "inexact_value", "nonsense_value",
}
EMPTY_GOOD_TABLES = {"flow_runs", "link_clicks", "popups"}


def _read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def assemble(raw: Path, *parts: str) -> dict[str, int]:
    """One CSV per contract table under `raw`: the rows of the corpus parts, in order."""
    raw.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in RAW_TABLES:
        rows = []
        for part in parts:
            header, *body = _read_csv(CORPUS / part / f"{table}.csv")
            assert header == columns(table), f"{part}/{table}.csv does not follow the contract"
            rows.extend(body)
        with open(raw / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(columns(table))
            writer.writerows(rows)
        counts[table] = len(rows)
    return counts


def _build(workdir: Path, *parts: str) -> tuple[Path, dict[str, int]]:
    raw = workdir / "raw"
    counts = assemble(raw, *parts)
    dbt_vars = json.dumps({"raw_path": str(raw), **VARS})
    run_dbt(["build", "--exclude-resource-type", "seed", "unit_test", "--vars", dbt_vars], workdir)
    return workdir / "warehouse.duckdb", counts


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    return _build(tmp_path_factory.mktemp("bad_input_good"), "good")


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    return _build(tmp_path_factory.mktemp("bad_input_bad"), "good", "bad")


def _manifest(name: str = "expected_rejections.csv") -> list[dict[str, str]]:
    with open(CORPUS / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _recorded(db: Path) -> Counter:
    return Counter(query(db, "select source_table, row_key, reason, disposition from marts.dq_rejected_rows"))


def _expected(datasets: set[str]) -> Counter:
    return Counter(
        (row["source_table"], row["row_key"], row["reason"], row["disposition"])
        for row in _manifest()
        if row["dataset"] in datasets
    )


# --------------------------------------------------------------------------------------
# The corpus itself
# --------------------------------------------------------------------------------------


def test_corpus_files_are_current(tmp_path: Path):
    build_corpus.main(["--out", str(tmp_path)])
    generated = {path.relative_to(tmp_path) for path in tmp_path.rglob("*.csv")}
    assert {path.relative_to(CORPUS) for path in CORPUS.rglob("*.csv")} == generated, "stale corpus files"
    for path in sorted(tmp_path.rglob("*.csv")):
        committed = CORPUS / path.relative_to(tmp_path)
        assert committed.exists() and committed.read_bytes() == path.read_bytes(), (
            f"{committed.relative_to(REPO)} is stale: run python tests/data/bad_input/build_corpus.py"
        )


def test_corpus_covers_every_table_and_named_kind():
    manifest = _manifest()
    bad_tables = {row["source_table"] for row in manifest if row["dataset"] == "bad"}
    assert bad_tables == set(RAW_TABLES), f"tables without bad rows: {set(RAW_TABLES) - bad_tables}"
    assert NAMED_KINDS <= {row["kind"] for row in manifest}
    for table in EMPTY_GOOD_TABLES:
        assert len(_read_csv(CORPUS / "good" / f"{table}.csv")) == 1, f"good/{table}.csv must be empty"
    # every bad row has exactly one manifest entry
    bad_rows = sum(len(_read_csv(path)) - 1 for path in (CORPUS / "bad").glob("*.csv"))
    assert bad_rows == sum(row["dataset"] == "bad" for row in manifest)


# --------------------------------------------------------------------------------------
# The builds
# --------------------------------------------------------------------------------------


def test_every_bad_row_is_recorded_with_its_reason(bad_build):
    db, _ = bad_build
    recorded, expected = _recorded(db), _expected({"good", "bad"})
    missing, unexpected = expected - recorded, recorded - expected
    assert not missing and not unexpected, (
        f"expected but not recorded: {sorted(missing)}\nrecorded but not expected: {sorted(unexpected)}"
    )


def test_good_rows_alone_record_only_their_flags(good_build):
    db, _ = good_build
    assert _recorded(db) == _expected({"good"})


def _mart_tables(db: Path) -> list[str]:
    return [
        name
        for (name,) in query(
            db, "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
        )
        # the rows that could not be used, and the raw rows counted with the time they were judged at
        if name not in ("dq_rejected_rows", "raw_table_freshness")
    ]


def test_marts_are_identical_with_and_without_bad_rows(good_build, bad_build):
    good_db, bad_db = good_build[0], bad_build[0]
    tables = _mart_tables(good_db)
    assert tables == _mart_tables(bad_db)
    assert len(tables) >= 20
    with duckdb.connect(str(good_db), read_only=True) as good, duckdb.connect(str(bad_db), read_only=True) as bad:
        for table in tables:
            expected = good.execute(f"select * from marts.{table} order by all").df()
            got = bad.execute(f"select * from marts.{table} order by all").df()
            pd.testing.assert_frame_equal(got, expected, check_exact=True, obj=f"marts.{table}")


def test_good_rows_attribute_by_every_rule(good_build):
    db, _ = good_build
    methods = dict(query(db, "select coalesce(attribution_method, unattributed_reason), count(*) "
                             "from marts.fct_order_attribution group by all"))
    assert set(methods) == {"link", "last_touch", "coupon", "not_stitched", "no_touch_in_window"}
    sources = {row[0] for row in query(db, "select distinct source_type from marts.fct_order_attribution")}
    assert {"campaign", "flow", "helpdesk"} <= sources
    conversions = dict(query(db, "select coalesce(unattributed_reason, 'attributed'), count(*) "
                                 "from marts.fct_affiliate_conversions group by all"))
    assert set(conversions) == {"attributed", "unknown_click", "outside_window"}
    # o8 falls under the changed settings: a 2-day window and coupons off
    assert query(db, "select window_days, is_coupon_attribution_enabled, unattributed_reason "
                     "from marts.fct_order_attribution where workspace_id = 'w1' and order_id = 'o8'") == [
        (2, False, "no_touch_in_window")
    ]
    for table in EMPTY_GOOD_TABLES:
        assert query(db, f"select count(*) from staging.stg_raw__{table}") == [(0,)]


def test_display_text_reaches_the_marts_unchanged(bad_build):
    db, _ = bad_build
    names = dict(((ws, campaign), name) for ws, campaign, name in query(
        db, "select workspace_id, campaign_id, campaign_name from marts.campaign_performance"))
    assert names[("w1", "k1")] == build_corpus.QUOTED_NAME
    assert names[("w1", "k2")] == build_corpus.LONG_NAME and len(names[("w1", "k2")]) > 5000
    assert names[("w2", "k1")] == 'Fall sale; "quoted" 🍂'
    assert query(db, "select distinct campaign_name from marts.campaign_orders where workspace_id = 'w1' "
                     "and campaign_id = 'k1'") == [(build_corpus.QUOTED_NAME,)]
    assert query(db, "select flow_name from marts.flow_performance where workspace_id = 'w1' and flow_id = 'f1'") == [
        (build_corpus.MULTILINE_NAME,)
    ]
    assert query(db, "select agent_name, team from marts.agent_performance where workspace_id = 'w1'") == [
        ("Zoë O'Connor", "Support 🌍")
    ]
    assert query(db, "select offer_name from marts.offer_performance where offer_id = 'of1'") == [('Offer "VIP" 💎',)]
    assert query(db, "select creative_name from marts.creative_performance where creative_id = 'cr1'") == [
        ("Creative ✨ <b>bold</b>",)
    ]


def test_every_raw_order_is_attributed_or_rejected(bad_build):
    db, counts = bad_build
    attributed = query(db, "select count(*) from marts.fct_order_attribution")[0][0]
    rejected = query(db, "select count(*) from marts.dq_rejected_rows "
                         "where source_table = 'shop_orders' and disposition = 'rejected'")[0][0]
    assert attributed + rejected == counts["shop_orders"]
