"""End to end: dbt build on the demo seeds and on generator output read from files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from msgwh.contract import RAW_TABLES
from tests.conftest import REPO, query, run_dbt

pytestmark = pytest.mark.dbt


def test_demo_build_stages_every_raw_table(demo_warehouse: Path):
    for table in RAW_TABLES:
        staged = query(demo_warehouse, f"select count(*) from staging.stg_raw__{table}")[0][0]
        assert staged > 0, f"stg_raw__{table} is empty on the demo data"


def test_demo_bad_rows_are_recorded_with_reasons(demo_warehouse: Path):
    rows = query(
        demo_warehouse,
        "select source_table, reason, disposition, count(*) from marts.dq_rejected_rows group by all",
    )
    reasons = {reason for _, reason, _, _ in rows}
    dispositions = {disposition for _, _, disposition, _ in rows}
    assert {"rejected", "field_nulled"} <= dispositions
    expected = {
        "duplicate_event_id",
        "unknown_message_id",
        "unknown_workspace_id",
        "negative_total_price",
        "no_fx_rate",
        "unparseable_phone",
        "malformed_email",
        "superseded_order_version",
        "duplicate_conversion",
    }
    assert expected <= reasons, f"missing reasons: {sorted(expected - reasons)}"
    assert any(reason.startswith("future_") for reason in reasons)
    # every reason names its table's row, never a blank key
    assert query(demo_warehouse, "select count(*) from marts.dq_rejected_rows where row_key is null")[0][0] == 0


def test_staged_values_are_normalised(demo_warehouse: Path):
    bad_emails = query(
        demo_warehouse,
        "select count(*) from staging.stg_raw__contacts "
        "where email_normalized != lower(trim(email_normalized)) or email_normalized = ''",
    )[0][0]
    assert bad_emails == 0
    non_e164 = query(
        demo_warehouse,
        "select count(*) from staging.stg_raw__contacts "
        "where phone_e164 is not null and not regexp_full_match(phone_e164, '\\+[1-9][0-9]{6,14}')",
    )[0][0]
    assert non_e164 == 0
    parsed = query(demo_warehouse, "select count(phone_e164) from staging.stg_raw__contacts")[0][0]
    assert parsed > 0


def _generate(out: Path, fmt: str) -> None:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "generate_data.py"),
            "--out",
            str(out),
            "--contacts",
            "300",
            "--days",
            "30",
            "--seed",
            "3",
            "--format",
            fmt,
        ],
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_build_reads_generator_files_through_raw_path(tmp_path: Path, fmt: str):
    raw = tmp_path / "raw"
    _generate(raw, fmt)
    # staging alone: it is what reads the files (the marts are built from files in the
    # incremental tests)
    run_dbt(
        ["build", "--select", "path:models/staging", "--indirect-selection", "cautious",
         "--exclude-resource-type", "seed", "unit_test", "--vars", f"{{raw_path: '{raw}'}}"],
        tmp_path,
    )
    db = tmp_path / "warehouse.duckdb"
    for table in ("contacts", "messages", "message_events", "shop_orders"):
        assert query(db, f"select count(*) from staging.stg_raw__{table}")[0][0] > 0, table
    # the raw schema was never created: everything came from the files
    assert query(db, "select count(*) from information_schema.schemata where schema_name = 'raw'")[0][0] == 0


def test_build_reads_a_folder_of_parquet_files(tmp_path: Path):
    raw = tmp_path / "raw"
    _generate(raw, "parquet")
    # split one table into a folder of parts, as a data lake export would
    import duckdb

    folder = raw / "message_events"
    folder.mkdir()
    with duckdb.connect() as conn:
        conn.execute(
            f"copy (select * from read_parquet('{raw}/message_events.parquet')) "
            f"to '{folder}' (format parquet, per_thread_output true)"
        )
        expected = conn.execute(f"select count(*) from read_parquet('{folder}/*.parquet')").fetchone()[0]
    (raw / "message_events.parquet").unlink()
    run_dbt(
        [
            "run",
            "--select",
            "+base_raw__message_events",
            "--vars",
            f"{{raw_path: '{raw}'}}",
        ],
        tmp_path,
    )
    db = tmp_path / "warehouse.duckdb"
    assert query(db, "select count(*) from staging.base_raw__message_events")[0][0] == expected
