"""Shared by the incremental tests: the generated data set and the row-for-row comparison
of two warehouses."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb

from msgwh.refresh import RAW_FILE_HASH
from tests.conftest import REPO, query

BUILD = ["build", "--exclude-resource-type", "unit_test", "seed"]
END = "2026-10-31"
DAYS = 45


def generate(out: Path) -> Path:
    """The generator's data set of the incremental tests (400 contacts, 45 days) in `out`."""
    run = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "generate_data.py"),
            "--out", str(out), "--contacts", "400", "--days", str(DAYS),
            "--end-date", END, "--seed", "11", "--format", "parquet", "--threads", "2",
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    return out


@contextlib.contextmanager
def garbled(paths: list[Path]) -> Iterator[None]:
    """Raw files garbled in place, size and modification time kept (restored afterwards): a
    build that opens one fails or reads wrong rows, one that trusts its stored rows does not."""
    kept = {path: (path.read_bytes(), path.stat()) for path in paths}
    try:
        for path, (data, stat) in kept.items():
            middle = len(data) // 2
            path.write_bytes(data[:middle - 64] + bytes(128) + data[middle + 64:])
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        yield
    finally:
        for path, (data, stat) in kept.items():
            path.write_bytes(data)
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def raw_file_hashes(folder: Path) -> dict[str, int]:
    """file name -> the `_raw_file_hash` base rows read from it carry, for the Parquet files of a folder."""
    with duckdb.connect() as connection:
        rows = connection.execute(f"select filename, {RAW_FILE_HASH} from read_blob(?)", [str(folder / "*.parquet")]).fetchall()
    return {Path(name).name: file_hash for name, file_hash in rows}


def dbt_vars(raw_dir: Path) -> list[str]:
    return ["--vars", "{raw_path: '" + str(raw_dir) + "'}"]


def table_names(db: Path, schema: str = "marts", prefix: str = "") -> list[str]:
    rows = query(
        db,
        "select table_name from information_schema.tables "
        f"where table_schema = '{schema}' and table_type = 'BASE TABLE' "
        f"and starts_with(table_name, '{prefix}') order by table_name",
    )
    return [row[0] for row in rows]


def differences(left_db: Path, right_db: Path, schema: str = "marts", prefix: str = "") -> dict[str, tuple[int, int]]:
    """Per table of `schema` whose name starts with `prefix` (every mart by default): rows
    only in left, rows only in right (multiset difference). When a row was detected or
    loaded, and from which file, is not compared."""
    tables = table_names(left_db, schema, prefix)
    assert tables == table_names(right_db, schema, prefix)
    found = {}
    conn = duckdb.connect()
    conn.execute(f"attach '{left_db}' as left_db (read_only)")
    conn.execute(f"attach '{right_db}' as right_db (read_only)")
    for table in tables:
        columns = "*"
        if table == "dq_rejected_rows":
            columns = "* exclude (detected_at)"
        elif table == "raw_table_freshness":
            # judged at the build's time on real data
            columns = "* exclude (judged_as_of, age_hours, freshness_status)"
        elif table.startswith("base_raw__"):
            # when and from which file a row was read, and the hash that includes the file
            columns = "* exclude (_loaded_at, _raw_file_hash, _row_hash)"
        left = f"select {columns} from left_db.{schema}.{table}"
        right = f"select {columns} from right_db.{schema}.{table}"
        only_left = conn.execute(f"select count(*) from ({left} except all {right})").fetchone()[0]
        only_right = conn.execute(f"select count(*) from ({right} except all {left})").fetchone()[0]
        if only_left or only_right:
            found[table] = (only_left, only_right)
    conn.close()
    return found


