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
    """The dashboard cards: revenue by source type over the last 30 days, per workspace."""
    if not _exists(conn, "marts", "revenue_rolling"):
        return None
    table = Table(title="Revenue by source type, last 30 days to each workspace's latest date (workspace currency)")
    for name in ("workspace", "as of", "source type", "gross 30d", "net 30d", "previous 30d", "change"):
        table.add_column(name, justify="left" if name in ("workspace", "as of", "source type") else "right")
    for workspace, as_of, source_type, gross, net, previous, change in conn.execute(
        """
        select
            workspace_id,
            as_of_date,
            source_type,
            gross_revenue_last_30d,
            net_revenue_last_30d,
            gross_revenue_previous_30d,
            gross_revenue_change_rate
        from marts.revenue_rolling
        where is_latest_date
        order by workspace_id, source_type = 'all', gross_revenue_last_30d desc
        """
    ).fetchall():
        table.add_row(
            workspace,
            str(as_of),
            source_type,
            f"{gross:,.2f}",
            f"{net:,.2f}",
            f"{previous:,.2f}",
            "—" if change is None else f"{change:+.0%}",
        )
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default=os.environ.get("DBT_DUCKDB_PATH", str(ROOT / "warehouse.duckdb")))
    args = parser.parse_args(argv)
    console = Console(width=max(120, Console().width))
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
