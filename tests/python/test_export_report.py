"""scripts/export_report.py and msgwh/export.py: whitelisted marts, parameterised filters, CSV and XLSX output."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from msgwh.export import build_query
from tests.conftest import load_script

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "export_report.py"


export_report = load_script(SCRIPT)


@pytest.fixture()
def warehouse(tmp_path: Path) -> Path:
    """A tiny DuckDB file with a marts schema: a fake campaign_orders and a table not on the whitelist."""
    db = tmp_path / "tiny.duckdb"
    with duckdb.connect(str(db)) as conn:
        conn.execute("create schema marts")
        conn.execute(
            """
            create table marts.campaign_orders (
                workspace_id varchar,
                campaign_id varchar,
                order_id varchar,
                customer_phone_masked varchar,
                gross_revenue decimal(18, 2),
                order_date date
            )
            """
        )
        conn.execute(
            """
            insert into marts.campaign_orders values
                ('ws1', 'c1', 'o1', '+49***6789', 10.50, date '2026-03-01'),
                ('ws1', 'c1', 'o2', null, 20.00, date '2026-03-05'),
                ('ws1', 'c2', 'o3', '+1***1234', 7.25, date '2026-03-02'),
                ('ws2', 'c1', 'o4', null, 99.00, date '2026-03-02')
            """
        )
        conn.execute("create table marts.campaign_performance (workspace_id varchar, campaign_id varchar, sends integer)")
        conn.execute("insert into marts.campaign_performance values ('ws1', 'c1', 3), ('ws2', 'c1', 4)")
        conn.execute("create table marts.secrets (workspace_id varchar, email varchar)")
        conn.execute("insert into marts.secrets values ('ws1', 'anna@example.com')")
    return db


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, cwd=REPO)


def test_help_lists_the_options():
    result = _run("--help")
    assert result.returncode == 0
    for option in ("--mart", "--workspace", "--campaign", "--from", "--to", "--format", "--out", "--db"):
        assert option in result.stdout


def test_csv_export_filters_workspace_campaign_and_dates(warehouse: Path, tmp_path: Path):
    out = tmp_path / "orders.csv"
    result = _run(
        "--mart", "campaign_orders", "--workspace", "ws1", "--campaign", "c1",
        "--from", "2026-03-01", "--to", "2026-03-04",
        "--format", "csv", "--out", str(out), "--db", str(warehouse),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["order_id"] for row in rows] == ["o1"]
    assert rows[0]["customer_phone_masked"] == "+49***6789"
    assert rows[0]["gross_revenue"] == "10.50"
    assert rows[0]["order_date"] == "2026-03-01"


def test_date_range_is_inclusive_at_both_ends(warehouse: Path, tmp_path: Path):
    out = tmp_path / "orders.csv"
    count = export_report.export(
        db=str(warehouse),
        mart="campaign_orders",
        workspace="ws1",
        fmt="csv",
        out=out,
        date_from=dt.date(2026, 3, 2),
        date_to=dt.date(2026, 3, 5),
    )
    assert count == 2
    with out.open(newline="", encoding="utf-8") as handle:
        assert sorted(row["order_id"] for row in csv.DictReader(handle)) == ["o2", "o3"]


def test_xlsx_export_writes_a_sheet_with_header_and_rows(warehouse: Path, tmp_path: Path):
    out = tmp_path / "orders.xlsx"
    assert export_report.main(
        ["--mart", "campaign_orders", "--workspace", "ws1", "--format", "xlsx", "--out", str(out), "--db", str(warehouse)]
    ) == 0
    sheet = load_workbook(out, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("workspace_id", "campaign_id", "order_id", "customer_phone_masked", "gross_revenue", "order_date")
    assert sorted(row[2] for row in rows[1:]) == ["o1", "o2", "o3"]
    assert {row[0] for row in rows[1:]} == {"ws1"}
    assert sum(float(row[4]) for row in rows[1:]) == pytest.approx(37.75)


def test_mart_without_date_column_rejects_a_date_range(warehouse: Path, tmp_path: Path):
    with pytest.raises(export_report.ExportError, match="no date column"):
        export_report.export(
            db=str(warehouse),
            mart="campaign_performance",
            workspace="ws1",
            fmt="csv",
            out=tmp_path / "x.csv",
            date_from=dt.date(2026, 3, 1),
        )
    assert export_report.export(
        db=str(warehouse), mart="campaign_performance", workspace="ws1", fmt="csv", out=tmp_path / "y.csv"
    ) == 1


def test_a_table_off_the_whitelist_is_rejected(warehouse: Path, tmp_path: Path):
    out = tmp_path / "secrets.csv"
    result = _run("--mart", "secrets", "--workspace", "ws1", "--format", "csv", "--out", str(out), "--db", str(warehouse))
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert not out.exists()
    with pytest.raises(export_report.ExportError, match="not exportable"):
        export_report.export(db=str(warehouse), mart="secrets", workspace="ws1", fmt="csv", out=out)


def test_user_values_are_parameters_not_sql(warehouse: Path, tmp_path: Path):
    out = tmp_path / "orders.csv"
    count = export_report.export(
        db=str(warehouse), mart="campaign_orders", workspace="ws1' or '1'='1", fmt="csv", out=out
    )
    assert count == 0
    sql, params = build_query(
        "campaign_orders",
        {"workspace_id": "varchar", "campaign_id": "varchar", "order_date": "date"},
        "marts",
        "ws1' or '1'='1",
        "c1; drop table x",
        None,
        None,
    )
    assert "ws1" not in sql and "drop" not in sql
    assert params == ["ws1' or '1'='1", "c1; drop table x"]


def test_missing_mart_table_is_a_clear_error(warehouse: Path, tmp_path: Path):
    with pytest.raises(export_report.ExportError, match="does not exist"):
        export_report.export(db=str(warehouse), mart="dim_contacts", workspace="ws1", fmt="csv", out=tmp_path / "d.csv")


@pytest.mark.dbt
def test_every_whitelisted_mart_exists_with_its_filter_columns(demo_warehouse: Path):
    """On the demo build, each exportable mart has workspace_id and the date column the exporter filters on."""
    with duckdb.connect(str(demo_warehouse), read_only=True) as conn:
        for mart, date_columns in export_report.MARTS.items():
            columns = export_report.table_columns(conn, "marts", mart)
            assert columns, f"marts.{mart} is missing"
            assert "workspace_id" in columns, mart
            if date_columns:
                assert any(name in columns for name in date_columns), (mart, date_columns, sorted(columns))


def test_download_bytes_are_the_exporter_s_files():
    """The dashboard's download payload: the same CSV and XLSX the exporter writes to a file."""
    from io import BytesIO

    from msgwh.export import ExportError, to_bytes

    header = ["order_id", "order_date", "net_revenue", "coupon_code"]
    rows = [["o1", dt.date(2026, 10, 1), 12.5, None], ["o,2", dt.date(2026, 10, 2), 0.1, "SAVE"]]
    text = to_bytes("csv", "orders", header, rows).decode("utf-8")
    assert list(csv.reader(text.splitlines())) == [header, ["o1", "2026-10-01", "12.5", ""], ["o,2", "2026-10-02", "0.1", "SAVE"]]
    sheet = load_workbook(BytesIO(to_bytes("xlsx", "orders", header, rows))).active
    assert sheet.title == "orders"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        header, ["o1", dt.datetime(2026, 10, 1), 12.5, None], ["o,2", dt.datetime(2026, 10, 2), 0.1, "SAVE"]]
    with pytest.raises(ExportError):
        to_bytes("pdf", "orders", header, rows)
