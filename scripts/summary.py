#!/usr/bin/env python
"""Print what a build found: rows per raw table (staged and rejected), rejected
rows by reason, and — once the marts exist — the headline revenue figures.

    python scripts/summary.py [--db warehouse.duckdb]

Reads the DuckDB file read-only (default: $DBT_DUCKDB_PATH or warehouse.duckdb).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from msgwh.contract import RAW_TABLES  # noqa: E402


def _exists(conn: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        conn.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def source_table(conn: duckdb.DuckDBPyConnection) -> Table:
    table = Table(title="Raw tables: rows staged and rejected")
    for name in ("table", "raw rows", "staged", "rejected", "field nulled"):
        table.add_column(name, justify="left" if name == "table" else "right")
    counts = dict(
        ((t, d), n)
        for t, d, n in conn.execute(
            "select source_table, disposition, count(*) from marts.dq_rejected_rows group by all"
        ).fetchall()
    )
    for name in RAW_TABLES:
        raw = conn.execute(f"select count(*) from staging.base_raw__{name}").fetchone()[0]
        staged = conn.execute(
            f"select count(*) from staging.base_raw__{name} where rejection_reason is null"
        ).fetchone()[0]
        table.add_row(
            name,
            f"{raw:,}",
            f"{staged:,}",
            f"{counts.get((name, 'rejected'), 0):,}",
            f"{counts.get((name, 'field_nulled'), 0):,}",
        )
    return table


def reasons_table(conn: duckdb.DuckDBPyConnection) -> Table:
    table = Table(title="dq_rejected_rows by reason")
    for name in ("table", "reason", "disposition", "rows"):
        table.add_column(name, justify="right" if name == "rows" else "left")
    for source, reason, disposition, rows in conn.execute(
        "select source_table, reason, disposition, count(*) from marts.dq_rejected_rows "
        "group by all order by 1, 4 desc"
    ).fetchall():
        table.add_row(source, reason, disposition, f"{rows:,}")
    return table


def revenue_table(conn: duckdb.DuckDBPyConnection) -> Table | None:
    """Attributed revenue by source type over the last 30 days of data, per workspace."""
    if not _exists(conn, "marts", "fct_attributed_revenue"):
        return None
    table = Table(title="Revenue by source type, last 30 days of data (workspace currency)")
    for name in ("workspace", "source type", "rows", "gross", "net"):
        table.add_column(name, justify="left" if name in ("workspace", "source type") else "right")
    for workspace, source_type, rows, gross, net in conn.execute(
        """
        with last_day as (
            select workspace_id, max(revenue_date) as max_date
            from marts.fct_attributed_revenue group by all
        )
        select
            revenue.workspace_id,
            coalesce(revenue.source_type, 'unattributed') as source_type,
            count(*),
            sum(revenue.gross_revenue),
            sum(revenue.net_revenue)
        from marts.fct_attributed_revenue as revenue
        inner join last_day on revenue.workspace_id = last_day.workspace_id
        where revenue.revenue_date > last_day.max_date - interval 30 day
        group by all
        order by 1, 4 desc
        """
    ).fetchall():
        table.add_row(workspace, source_type, f"{rows:,}", f"{gross:,.2f}", f"{net:,.2f}")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("DBT_DUCKDB_PATH", str(ROOT / "warehouse.duckdb")))
    args = parser.parse_args(argv)
    console = Console()
    if not Path(args.db).exists():
        console.print(f"[red]no warehouse at {args.db}: run `make build` first[/red]")
        return 1
    with duckdb.connect(args.db, read_only=True) as conn:
        console.print(source_table(conn))
        console.print(reasons_table(conn))
        revenue = revenue_table(conn)
        if revenue is not None:
            console.print(revenue)
    return 0


if __name__ == "__main__":
    sys.exit(main())
