"""The BI file (msgwh/bi.py, scripts/publish_bi.py): the marts alone, masked as they are; per
workspace, only that workspace's rows; published by rename, or not at all."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from msgwh import bi
from tests.conftest import REPO, query
from tests.python.test_pii import EMAIL, PHONE

SCRIPT = REPO / "scripts" / "publish_bi.py"
USER_SCHEMAS = "table_schema not in ('information_schema', 'pg_catalog')"


def tables_of(db: Path) -> set[tuple[str, str]]:
    """(schema, table) of every table and view a reader of the file sees."""
    return set(query(db, f"select table_schema, table_name from information_schema.tables where {USER_SCHEMAS}"))


def pii_leaks(db: Path) -> list[tuple[str, str, str]]:
    """(table, column, value) of text values shaped like an e-mail or a phone, in every text
    column of every table, ids and keys included (one query per table)."""
    columns: dict[tuple[str, str], list[str]] = {}
    for schema, table, column in query(db, "select table_schema, table_name, column_name from information_schema.columns "
                                           f"where {USER_SCHEMAS} and data_type = 'VARCHAR'"):
        columns.setdefault((schema, table), []).append(column)
    leaks = []
    with duckdb.connect(str(db), read_only=True) as connection:
        for (schema, table), names in sorted(columns.items()):
            scans = [
                f"(select '{column}', \"{column}\" from \"{schema}\".\"{table}\" where regexp_matches(\"{column}\", '{EMAIL}') "
                f"or regexp_full_match(\"{column}\", '{PHONE}') limit 3)"
                for column in names
            ]
            leaks += [(table, *row) for row in connection.execute(" union all ".join(scans)).fetchall()]
    return leaks


def rows_per_workspace(db: Path) -> dict[str, dict[str | None, int]]:
    """Per mart of the file, its row count per workspace_id (one query)."""
    tables = sorted(table for schema, table in tables_of(db) if schema == "marts")
    counts: dict[str, dict[str | None, int]] = {table: {} for table in tables}
    union = " union all ".join(
        f"select '{table}', workspace_id, count(*) from marts.\"{table}\" group by workspace_id" for table in tables
    )
    for table, workspace, rows in query(db, union):
        counts[table][workspace] = rows
    return counts


def publish(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], cwd=REPO, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def demo_bi(demo_warehouse, tmp_path_factory) -> Path:
    """The demo build's BI file and its per-workspace files."""
    target = tmp_path_factory.mktemp("bi") / "demo_bi.duckdb"
    result = publish("--db", str(demo_warehouse), "--bi", str(target), "--per-workspace")
    assert result.returncode == 0, result.stderr
    return target


@pytest.mark.dbt
def test_the_bi_file_holds_every_mart_and_nothing_else(demo_warehouse, demo_bi):
    marts = {(schema, table) for schema, table in tables_of(demo_warehouse) if schema == "marts"}
    assert {"raw", "staging", "intermediate"} <= {schema for schema, _ in tables_of(demo_warehouse)}
    assert tables_of(demo_bi) == marts
    for _, table in sorted(marts):
        columns = f"select column_name, data_type from information_schema.columns where table_schema = 'marts' and table_name = '{table}' order by ordinal_position"
        assert query(demo_bi, columns) == query(demo_warehouse, columns), table
        rows = f"select count(*) from marts.{table}"
        assert query(demo_bi, rows) == query(demo_warehouse, rows), table
    revenue = "select sum(gross_revenue), count(distinct order_id) from marts.fct_order_attribution"
    assert query(demo_bi, revenue) == query(demo_warehouse, revenue)


@pytest.mark.dbt
def test_each_workspace_file_holds_its_workspace_rows_and_no_other(demo_warehouse, demo_bi):
    workspaces = sorted(row[0] for row in query(demo_warehouse, "select workspace_id from staging.stg_raw__workspaces"))
    files = sorted(demo_bi.parent.glob(f"{demo_bi.stem}__*.duckdb"))
    assert [file.name for file in files] == [f"{demo_bi.stem}__{workspace}.duckdb" for workspace in workspaces]
    everyone = rows_per_workspace(demo_warehouse)
    for workspace in workspaces:
        file = bi.workspace_file(demo_bi, workspace)
        # every mart, with its workspace's rows and no other's
        assert rows_per_workspace(file) == {
            table: {workspace: rows[workspace]} if workspace in rows else {} for table, rows in everyone.items()
        }, file.name
    assert query(bi.workspace_file(demo_bi, workspaces[0]), "select count(*) from marts.fct_order_attribution")[0][0] > 0


@pytest.mark.dbt
def test_no_text_column_of_any_bi_file_holds_a_phone_or_email(demo_warehouse, demo_bi):
    files = [demo_bi, *demo_bi.parent.glob(f"{demo_bi.stem}__*.duckdb")]
    assert len(files) > 1
    for file in files:
        assert pii_leaks(file) == [], file.name
    # the scan finds what it looks for: the private warehouse's raw and staging hold them in clear
    assert {"contacts", "stg_raw__contacts"} <= {table for table, _, _ in pii_leaks(demo_warehouse)}


def tiny_warehouse(path: Path, workspaces: list[str]) -> Path:
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema marts; create schema staging")
        connection.execute("create table marts.revenue (workspace_id varchar, amount integer)")
        connection.execute("create table staging.stg_raw__workspaces (workspace_id varchar)")
        for index, workspace in enumerate(workspaces):
            connection.execute("insert into marts.revenue values (?, ?)", [workspace, index])
            connection.execute("insert into staging.stg_raw__workspaces values (?)", [workspace])
    return path


def signature(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_ino


def test_a_failed_publish_leaves_the_published_files_as_they_were(tmp_path):
    """A source that cannot be read, or a workspace id that cannot name a file, publishes
    nothing: the old files keep their content and inode, and no temporary file is left."""
    good = tiny_warehouse(tmp_path / "good.duckdb", ["w1", "w2"])
    target = tmp_path / "out" / "bi.duckdb"
    target.parent.mkdir()
    assert publish("--db", str(good), "--bi", str(target), "--per-workspace").returncode == 0
    before = {path.name: signature(path) for path in target.parent.iterdir()}
    assert set(before) == {"bi.duckdb", "bi__w1.duckdb", "bi__w2.duckdb"}

    missing = publish("--db", str(tmp_path / "absent.duckdb"), "--bi", str(target))
    bad_id = publish("--db", str(tiny_warehouse(tmp_path / "bad.duckdb", ["w1", "../w2"])), "--bi", str(target),
                     "--per-workspace")

    assert missing.returncode == 1 and "not published" in missing.stderr
    assert bad_id.returncode == 1 and "cannot name a file" in bad_id.stderr
    assert {path.name: signature(path) for path in target.parent.iterdir()} == before


def test_a_publish_replaces_files_and_removes_the_obsolete_ones(tmp_path):
    source = tiny_warehouse(tmp_path / "wh.duckdb", ["w1"])
    target = tmp_path / "bi.duckdb"
    gone = bi.workspace_file(target, "w9")
    gone.write_bytes(b"last publish's file of a workspace that went")
    bi.publish(bi.stage(source, target, per_workspace=True), obsolete=[gone, bi.workspace_file(target, "w1")])
    assert sorted(path.name for path in tmp_path.glob("bi*.duckdb")) == ["bi.duckdb", "bi__w1.duckdb"]
    assert query(bi.workspace_file(target, "w1"), "select * from marts.revenue") == [("w1", 0)]
    assert not list(tmp_path.glob(".*.tmp*"))


def test_the_bi_file_sits_beside_the_warehouse_unless_configured(monkeypatch, tmp_path):
    monkeypatch.delenv(bi.BI_PATH_ENV, raising=False)
    assert bi.bi_path(Path("/srv/wh/warehouse.duckdb")) == Path("/srv/wh/warehouse_bi.duckdb")
    monkeypatch.setenv(bi.BI_PATH_ENV, str(tmp_path / "shared.duckdb"))
    assert bi.bi_path(Path("/srv/wh/warehouse.duckdb")) == tmp_path / "shared.duckdb"
    assert re.fullmatch(r"shared__w-01\.duckdb", bi.workspace_file(tmp_path / "shared.duckdb", "w-01").name)
