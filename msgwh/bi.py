"""The BI file: the warehouse's public marts, and nothing else, in a DuckDB file of their own.

DuckDB has no roles: whoever opens a file reads every schema, and the private warehouse keeps
raw e-mails and phones in `raw` and `staging`. BI tools, exports and the dashboard therefore
open a separate file holding only the `marts` schema, as tables, masked and hashed as the marts
are. `make build` and every refresh that publishes write it beside the warehouse
(`<warehouse stem>_bi.duckdb`, or $MSGWH_BI_PATH); with `per_workspace` they also write one
file per workspace of `stg_raw__workspaces`, `<bi stem>__<workspace_id>.duckdb`, holding only
that workspace's rows.

Files are written under a temporary name in their final directory (`stage`), checkpointed,
then renamed over the old ones (`publish`): a reader sees the old file or the new one, never
half of one.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

BI_PATH_ENV = "MSGWH_BI_PATH"
SCHEMA = "marts"
# a workspace id becomes part of a file name
WORKSPACE_ID = re.compile(r"[A-Za-z0-9_-]+")


def bi_path(warehouse: Path) -> Path:
    """The BI file of a warehouse: $MSGWH_BI_PATH, else `<warehouse stem>_bi.duckdb` beside it."""
    configured = os.environ.get(BI_PATH_ENV)
    return Path(configured) if configured else warehouse.with_name(f"{warehouse.stem}_bi{warehouse.suffix or '.duckdb'}")


def workspace_file(bi: Path, workspace_id: str) -> Path:
    """The BI file of one workspace, beside the BI file."""
    if not WORKSPACE_ID.fullmatch(workspace_id):
        raise ValueError(f"workspace id {workspace_id!r} cannot name a file (letters, digits, '_' and '-' only)")
    return bi.with_name(f"{bi.stem}__{workspace_id}{bi.suffix}")


@dataclass(frozen=True)
class Staged:
    """A BI file written under `temporary`, to be renamed to `final`."""

    temporary: Path
    final: Path


def temporary_of(final: Path) -> Path:
    # a fixed name: a file left by a killed run is overwritten by the next, not piled up
    return final.with_name(f".{final.name}.tmp")


def mart_tables(connection, catalog: str) -> list[str]:
    return [
        row[0]
        for row in connection.execute(
            "select table_name from information_schema.tables where table_catalog = ? and table_schema = ? order by 1",
            [catalog, SCHEMA],
        ).fetchall()
    ]


def stage(warehouse: Path, bi: Path, per_workspace: bool = False) -> list[Staged]:
    """Write the BI file (and, with `per_workspace`, one per workspace) from `warehouse` under
    temporary names; nothing is published. On failure, removes what it wrote and re-raises."""
    import duckdb

    staged: list[Staged] = []
    connection = duckdb.connect(config={
        "memory_limit": os.environ.get("DBT_DUCKDB_MEMORY_LIMIT", "6GB"),
        "threads": int(os.environ.get("DBT_DUCKDB_THREADS", "2")),
    })
    try:
        # attached under its own name, so the warehouse's views ("<stem>"."staging"...) resolve
        source = warehouse.stem
        connection.execute(f"attach '{sql_text(warehouse)}' as \"{source}\" (read_only)")
        tables = mart_tables(connection, source)
        if not tables:
            raise ValueError(f"{warehouse} has no table in schema {SCHEMA}")
        files: list[tuple[Path, str | None]] = [(bi, None)]
        if per_workspace:
            # the workspaces staged as valid: rows naming an unknown one (dq_rejected_rows) are
            # in the BI file only
            workspaces = connection.execute(
                f'select workspace_id from "{source}".staging.stg_raw__workspaces order by 1'
            ).fetchall()
            files += [(workspace_file(bi, row[0]), row[0]) for row in workspaces]
        for final, workspace_id in files:
            temporary = temporary_of(final)
            staged.append(Staged(temporary, final))
            write(connection, source, tables, temporary, workspace_id)
    except BaseException:
        discard(staged)
        raise
    finally:
        connection.close()
    return staged


def write(connection, source: str, tables: list[str], path: Path, workspace_id: str | None) -> None:
    """One BI file: every mart as a table, only `workspace_id`'s rows when given."""
    discard([Staged(path, path)])
    connection.execute(f"attach '{sql_text(path)}' as bi")
    try:
        connection.execute(f"create schema bi.{SCHEMA}")
        for table in tables:
            where = " where workspace_id = ?" if workspace_id is not None else ""
            connection.execute(
                f'create table bi.{SCHEMA}."{table}" as select * from "{source}".{SCHEMA}."{table}"{where}',
                [workspace_id] if workspace_id is not None else [],
            )
        connection.execute("checkpoint bi")
    finally:
        connection.execute("detach bi")
    wal = path.with_name(path.name + ".wal")
    if wal.exists() and wal.stat().st_size:
        raise OSError(f"{wal} still present after checkpoint")
    wal.unlink(missing_ok=True)
    fsync(path)


def publish(staged: Iterable[Staged], obsolete: Iterable[Path] = ()) -> None:
    """Rename each staged file over its final name, then remove `obsolete` files (per-workspace
    files of the last publish that this one did not write)."""
    staged = list(staged)
    for item in staged:
        os.replace(item.temporary, item.final)
    finals = {item.final for item in staged}
    for path in obsolete:
        if path not in finals:
            path.unlink(missing_ok=True)
    for directory in {item.final.parent for item in staged}:
        fsync(directory)


def discard(staged: Iterable[Staged]) -> None:
    for item in staged:
        for path in (item.temporary, item.temporary.with_name(item.temporary.name + ".wal")):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()


def sql_text(path: Path) -> str:
    return str(path).replace("'", "''")


def fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
