#!/usr/bin/env python
"""Publish the BI file of a warehouse: its `marts` schema alone, for BI tools and exports.

    python scripts/publish_bi.py                      # warehouse.duckdb or $DBT_DUCKDB_PATH
    python scripts/publish_bi.py --per-workspace      # plus one file per workspace

`make build` runs it after `dbt build`; `scripts/refresh.py` publishes the same files itself.
The BI file is `<warehouse stem>_bi.duckdb` beside the warehouse, or $MSGWH_BI_PATH (`--bi`).
Each file is written under a temporary name and renamed over the old one (msgwh/bi.py).
Exit 0 when published, 1 when not (the old files are left as they were).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from msgwh import bi  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, default=Path(os.environ.get("DBT_DUCKDB_PATH") or ROOT / "warehouse.duckdb"),
                        help="the private warehouse (default: $DBT_DUCKDB_PATH or warehouse.duckdb)")
    parser.add_argument("--bi", type=Path, help="the BI file (default: $MSGWH_BI_PATH or <warehouse stem>_bi.duckdb beside it)")
    parser.add_argument("--per-workspace", action="store_true",
                        help="also one file per workspace, <BI stem>__<workspace_id>.duckdb, holding only its rows")
    args = parser.parse_args(argv)
    target = args.bi or bi.bi_path(args.db)
    try:
        staged = bi.stage(args.db, target, args.per_workspace)
        bi.publish(staged)
    except Exception as error:  # duckdb.Error, OSError, an id that cannot name a file
        print(f"publish_bi: {target} not published: {error}", file=sys.stderr)
        return 1
    print(f"BI file: {target}" + (f" and {len(staged) - 1} per workspace" if args.per_workspace else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
