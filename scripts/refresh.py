#!/usr/bin/env python
"""Refresh the warehouse for schedulers: incremental dbt build into a copy, test, validate, swap.

    python scripts/refresh.py                                   # warehouse.duckdb or $DBT_DUCKDB_PATH
    python scripts/refresh.py --raw-path /data/export           # raw tables from files
    python scripts/refresh.py --db /srv/wh.duckdb -- --full-refresh --vars '{raw_path: /data}'

One refresh at a time per warehouse (a lock next to it). The published file is never written:
dbt builds a copy of it under <warehouse>.refresh/work/, the data tests run inside `dbt build`,
scripts/validate.py checks the marts, and only then is the copy checkpointed and swapped in with
an atomic rename, together with the BI file (the marts alone, which BI tools open). Readers
holding an old file keep reading it; new connections see the new state. A failing refresh
publishes nothing and keeps its working copy for inspection until the next refresh. Each step logs a line (UTC time, step, status, duration) on stderr; dbt's output
goes to stdout and to <warehouse>.refresh/logs/. The outcome of the last run is in
<warehouse>.refresh/last_refresh.json.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from msgwh import refresh as refresh_lib  # noqa: E402


class Parser(argparse.ArgumentParser):
    """argparse exits 2 on a usage error; 2 means "validation failed" here, so use 4."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(refresh_lib.EXIT_USAGE, f"{self.prog}: error: {message}\n")


def exit_code_help() -> str:
    lines = ["exit codes:"]
    for code, meaning in refresh_lib.EXIT_CODES.items():
        lines.append(f"  {code}  {meaning}")
    lines.append("  130/143  interrupted by SIGINT/SIGTERM (dbt is stopped; nothing published)")
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, extra = argv[:split], argv[split + 1 :]
    parser = Parser(
        prog="refresh.py",
        description=__doc__,
        epilog=exit_code_help()
        + "\n\nArguments after `--` go to `dbt build` unchanged (e.g. -- --full-refresh --select marts)."
        " Unit tests are skipped (CI runs them), and seeds too when raw data comes from files.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--db",
        type=Path,
        default=Path(os.environ.get("DBT_DUCKDB_PATH") or "warehouse.duckdb"),
        help="the published warehouse file (default: $DBT_DUCKDB_PATH or warehouse.duckdb)",
    )
    parser.add_argument(
        "--bi",
        type=Path,
        help="the published BI file, the marts alone (default: $MSGWH_BI_PATH or <warehouse stem>_bi.duckdb beside it)",
    )
    parser.add_argument(
        "--per-workspace",
        action="store_true",
        help="also publish one BI file per workspace, <BI stem>__<workspace_id>.duckdb, holding only its rows",
    )
    parser.add_argument("--raw-path", type=Path, help="read the raw tables from files in this directory (var raw_path)")
    parser.add_argument("--full-refresh", action="store_true", help="rebuild incremental models from scratch")
    parser.add_argument(
        "--dbt-args", default="", help="more dbt build arguments as one string, e.g. \"--vars '{pii_salt: s3cret}'\""
    )
    parser.add_argument("--skip-validate", action="store_true", help="publish after dbt build without scripts/validate.py")
    parser.add_argument(
        "--always-build",
        action="store_true",
        help="build even when no raw file, code or argument changed since the last publish (by default such a refresh exits 0 at once)",
    )
    parser.add_argument(
        "--validate-args",
        default="",
        help="arguments for scripts/validate.py as one string, e.g. '--as-of 2026-11-01 --max-order-age-days 2'",
    )
    parser.add_argument("--validate-script", type=Path, help="validator to run (default: <project>/scripts/validate.py)")
    parser.add_argument("--project-dir", type=Path, default=ROOT, help="dbt project directory (default: this repo)")
    parser.add_argument("--profiles-dir", type=Path, help="dbt profiles directory (default: $DBT_PROFILES_DIR or the project)")
    parser.add_argument("--dbt", type=Path, help="dbt executable (default: beside this Python, else on PATH)")
    parser.add_argument("-q", "--quiet", action="store_true", help="step lines only; dbt and validator output go to the log files")
    args = parser.parse_args(argv)
    try:
        args.dbt_args_list = shlex.split(args.dbt_args) + extra
        args.validate_args_list = shlex.split(args.validate_args)
    except ValueError as error:
        parser.error(f"cannot split arguments: {error}")
    if not (args.project_dir / "dbt_project.yml").exists():
        parser.error(f"no dbt_project.yml in {args.project_dir}")
    if args.raw_path is not None and not args.raw_path.is_dir():
        parser.error(f"--raw-path {args.raw_path} is not a directory")
    if args.validate_script is not None and not args.validate_script.exists():
        parser.error(f"--validate-script {args.validate_script} not found")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    options = refresh_lib.RefreshOptions(
        published=args.db,
        project_dir=args.project_dir.resolve(),
        profiles_dir=args.profiles_dir.resolve() if args.profiles_dir else None,
        dbt_args=args.dbt_args_list,
        raw_path=args.raw_path.resolve() if args.raw_path else None,
        full_refresh=args.full_refresh,
        validate=not args.skip_validate,
        validate_script=args.validate_script.resolve() if args.validate_script else None,
        validate_args=args.validate_args_list,
        dbt_executable=args.dbt,
        quiet=args.quiet,
        always_build=args.always_build,
        bi_file=args.bi,
        per_workspace=args.per_workspace,
    )
    try:
        return refresh_lib.refresh(options)
    except refresh_lib.RefreshError as error:  # configuration detected before the lock
        print(f"refresh: error: {error}", file=sys.stderr)
        return error.code


if __name__ == "__main__":
    sys.exit(main())
