"""Export a public mart, filtered by workspace, campaign and date range, as CSV or XLSX.

The one exporter of the project: `scripts/export_report.py` (command line and schedulers) and
the dashboard's downloads (msgwh/dashboard) both write through it, so a table reads the same
wherever it is downloaded from.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

import duckdb

DEFAULT_SCHEMA = "marts"

# docs/contract.md#marts: the marts that may be exported, each with the columns its date range filters on,
# in order of preference (the first that the table has is used; a timestamp column is
# compared by its date). An empty tuple: the mart has no date to filter on.
MARTS: dict[str, tuple[str, ...]] = {
    "fct_order_attribution": ("order_date",),
    "fct_affiliate_conversions": ("conversion_date",),
    "fct_attributed_revenue": ("revenue_date",),
    "fct_message_funnel": ("sent_date",),
    "dim_contacts": ("signup_date",),
    "dim_workspaces": (),
    "campaign_performance": (),
    "flow_performance": (),
    "agent_performance": (),
    "offer_performance": (),
    "creative_performance": (),
    "audience_performance": (),
    "fct_order_touch_credits": ("touch_at",),
    "attribution_model_comparison": (),
    "campaign_lift": (),
    "revenue_daily": ("revenue_date",),
    "revenue_weekly": ("week_start_date",),
    "revenue_monthly": ("month_start_date",),
    "revenue_rolling": ("as_of_date",),
    # cohorts filter on the signup month of the cohort
    "ltv_cohorts": ("cohort_month",),
    "ltv_cohort_summary": ("cohort_month",),
    "campaign_daily_stats": ("activity_date",),
    "campaign_recipients": ("first_sent_at",),
    "campaign_orders": ("order_date",),
    "stitching_summary": (),
    "dq_rejected_rows": ("detected_at",),
    # judged as of the build: no date range to pick
    "raw_table_freshness": (),
}


class ExportError(Exception):
    """A request the exporter cannot serve (unknown mart, missing column, bad range)."""


def quote_identifier(name: str) -> str:
    """A catalogue identifier as a quoted SQL identifier (names come from the whitelist or the catalogue)."""
    return '"' + name.replace('"', '""') + '"'


def table_columns(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> dict[str, str]:
    """Column name -> data type of schema.table, from the catalogue; empty when there is no such table."""
    rows = conn.execute(
        """
        select column_name, data_type
        from information_schema.columns
        where table_schema = ? and table_name = ?
        order by ordinal_position
        """,
        [schema, table],
    ).fetchall()
    return {name: data_type for name, data_type in rows}


def build_query(
    mart: str,
    columns: dict[str, str],
    schema: str,
    workspace: str,
    campaign: str | None,
    date_from: dt.date | None,
    date_to: dt.date | None,
) -> tuple[str, list[object]]:
    """The export's SQL (identifiers from the whitelist and the catalogue only) and its parameters."""
    if mart not in MARTS:
        raise ExportError(f"mart {mart!r} is not exportable; choose one of: {', '.join(sorted(MARTS))}")
    if "workspace_id" not in columns:
        raise ExportError(f"{schema}.{mart} has no workspace_id column")

    conditions = [f"{quote_identifier('workspace_id')} = ?"]
    params: list[object] = [workspace]

    if campaign is not None:
        if "campaign_id" not in columns:
            raise ExportError(f"{mart} has no campaign_id column: --campaign does not apply")
        conditions.append(f"{quote_identifier('campaign_id')} = ?")
        params.append(campaign)

    if date_from is not None or date_to is not None:
        date_column = next((name for name in MARTS[mart] if name in columns), None)
        if date_column is None:
            raise ExportError(f"{mart} has no date column: --from/--to do not apply")
        if date_from is not None and date_to is not None and date_from > date_to:
            raise ExportError(f"--from {date_from} is after --to {date_to}")
        date_expression = f"cast({quote_identifier(date_column)} as date)"
        if date_from is not None:
            conditions.append(f"{date_expression} >= ?")
            params.append(date_from)
        if date_to is not None:
            conditions.append(f"{date_expression} <= ?")
            params.append(date_to)

    sql = (
        f"select * from {quote_identifier(schema)}.{quote_identifier(mart)}\n"
        f"where {' and '.join(conditions)}\n"
        "order by all"
    )
    return sql, params


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if value is None else value for value in row])


def write_xlsx(path: Path, sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([xlsx_value(value) for value in row])
    workbook.save(path)


def xlsx_value(value: object) -> object:
    """A value as openpyxl can store it: numbers, text, booleans and naive dates as they are."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, (str, int, float, bool, Decimal, dt.date, dt.datetime)):
        return value
    return str(value)


def export(
    db: str,
    mart: str,
    workspace: str,
    fmt: str,
    out: Path,
    campaign: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    schema: str = DEFAULT_SCHEMA,
) -> int:
    """Write the filtered mart to `out`; return the number of rows written."""
    if mart not in MARTS:
        raise ExportError(f"mart {mart!r} is not exportable; choose one of: {', '.join(sorted(MARTS))}")
    if not Path(db).exists():
        raise ExportError(f"no DuckDB file at {db}")
    with duckdb.connect(db, read_only=True) as conn:
        columns = table_columns(conn, schema, mart)
        if not columns:
            raise ExportError(f"{schema}.{mart} does not exist in {db}: build it first (dbt build)")
        sql, params = build_query(mart, columns, schema, workspace, campaign, date_from, date_to)
        cursor = conn.execute(sql, params)
        header = [description[0] for description in cursor.description]
        rows = cursor.fetchall()
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_csv(out, header, rows)
    elif fmt == "xlsx":
        write_xlsx(out, mart, header, rows)
    else:
        raise ExportError(f"unknown format {fmt!r}")
    return len(rows)


def to_bytes(fmt: str, sheet_name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A table as the bytes of a CSV or XLSX file (a download button's payload)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"table.{fmt}"
        if fmt == "csv":
            write_csv(path, header, rows)
        elif fmt == "xlsx":
            write_xlsx(path, sheet_name, header, rows)
        else:
            raise ExportError(f"unknown format {fmt!r}")
        return path.read_bytes()
