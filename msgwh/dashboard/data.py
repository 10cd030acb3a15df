"""What the dashboard reads: the published BI file, read-only, one connection per query.

A connection per query is what keeps an open dashboard working through a refresh: publishing
renames a new file over the old one (msgwh/bi.py), a query already running keeps the old file,
the next one opens the new file. Results are cached per file version (inode and mtime), so the
first interaction after a publish shows the new state.

Started for one workspace, the dashboard opens that workspace's own BI file
(`<bi stem>__<workspace>.duckdb`, `publish_bi.py --per-workspace`), which holds no other
workspace's rows: no query of a scoped dashboard can return them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from msgwh import bi

WORKSPACE_ENV = "MSGWH_DASHBOARD_WORKSPACE"
REPO = Path(__file__).resolve().parents[2]


class NotPublished(Exception):
    """The BI file to read is missing: nothing has been published yet."""


@dataclass(frozen=True)
class Source:
    """The BI file the dashboard reads and the workspace it is scoped to (None: every workspace)."""

    path: Path
    workspace: str | None

    @classmethod
    def from_environment(cls) -> Source:
        warehouse = Path(os.environ.get("DBT_DUCKDB_PATH") or REPO / "warehouse.duckdb")
        path = bi.bi_path(warehouse)
        workspace = os.environ.get(WORKSPACE_ENV) or None
        if workspace is not None:
            path = bi.workspace_file(path, workspace)
        return cls(path, workspace)

    def version(self) -> tuple[int, int]:
        """Changes whenever a publish replaces the file (a cache key)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise NotPublished(self.missing_message()) from None
        return stat.st_ino, stat.st_mtime_ns

    def missing_message(self) -> str:
        if self.workspace is None:
            return f"No BI file at {self.path}: run `make build` (or `make refresh`) first."
        return (f"No BI file of workspace {self.workspace} at {self.path}: publish it with "
                "`python scripts/publish_bi.py --per-workspace` (`make dashboard WORKSPACE=...` does).")


def read(source: Source, sql: str, params: tuple = ()) -> pd.DataFrame:
    """The rows of `sql` (marts named `marts.<table>`) from a fresh read-only connection."""
    source.version()
    with duckdb.connect(str(source.path), read_only=True) as connection:
        # dates stay dates (a download reads 2026-10-17, as the exporter writes it)
        return connection.execute(sql, list(params)).df(date_as_object=True)
