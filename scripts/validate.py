#!/usr/bin/env python
"""Validate the marts with Great Expectations before they are published (issue 6).

    python scripts/validate.py [--db warehouse.duckdb] [--as-of 2026-11-01T00:00:00]

Reads every mart of docs/contract.md#marts from the DuckDB file through one read-only connection into
pandas and runs one GX checkpoint per suite (msgwh/validation.py): grain uniqueness, keys
not null, allowed values of enumerated columns, value ranges (money >= 0, rates in [0, 1]),
the row count against the previous successful run (`--state`, within `--max-row-change`),
the age of each workspace's newest order against `--as-of`, and revenue reconciliation.

Prints one line per suite, writes a JSON report (and GX data docs) under the target
directory, records the row counts when every suite passed, and exits 0 when all pass,
1 when any fails, 2 when the database cannot be read.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from msgwh import validation  # noqa: E402


def parse_timestamp(text: str) -> dt.datetime:
    """An ISO date or timestamp; an offset is converted to naive UTC (the marts' convention)."""
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    target = validation.default_target_dir()
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--db", type=Path, default=validation.default_db_path(),
                        help="DuckDB file to validate ($DBT_DUCKDB_PATH or warehouse.duckdb)")
    parser.add_argument("--as-of", type=parse_timestamp, default=None,
                        help="UTC time freshness is judged at (ISO date or timestamp); default: the time the "
                             "build judges its data at (the demo seeds: the day after their last, var demo_as_of), "
                             "else now")
    parser.add_argument("--max-order-age-days", type=float, default=3.0,
                        help="fail when a workspace's newest order (or conversion) is older than this at --as-of")
    parser.add_argument("--state", type=Path, default=target / "validation_state.json",
                        help="row counts of the previous successful run, per database file")
    parser.add_argument("--max-row-change", type=float, default=0.5,
                        help="allowed relative change of a mart's row count against the previous run")
    parser.add_argument("--no-record", action="store_true",
                        help="do not record this run's row counts in --state, even when it passes")
    parser.add_argument("--report", type=Path, default=target / "validation" / "report.json",
                        help="where the JSON report is written")
    parser.add_argument("--data-docs", type=Path, default=target / "validation" / "data_docs",
                        help="directory of the GX HTML data docs")
    parser.add_argument("--no-data-docs", action="store_true", help="skip the HTML data docs")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    if args.max_row_change < 0:
        parser.error("--max-row-change must be >= 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not args.db.exists():
        print(f"validate: database {args.db} not found (build it first: dbt build)", file=sys.stderr)
        return 2
    try:
        as_of = args.as_of or validation.judged_as_of(args.db) or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    except Exception as error:  # a locked or corrupt file: say so, do not pass
        print(f"validate: could not read {args.db}: {error}", file=sys.stderr)
        return 2
    db_key = str(args.db.resolve())
    previous = validation.load_state(args.state, db_key)

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(highlight=False, soft_wrap=True)
    total_suites = len(validation.MARTS) + 2
    started = time.perf_counter()
    with Progress(
        TextColumn("[progress.description]{task.description}"), BarColumn(),
        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(), console=console, transient=True, disable=args.quiet or not console.is_terminal,
    ) as progress:
        task = progress.add_task("reading marts and validating", total=total_suites)

        def on_suite(outcome: validation.SuiteOutcome) -> None:
            progress.console.print(outcome.summary_line(), markup=False)
            progress.advance(task)

        try:
            run = validation.validate(
                args.db,
                as_of=as_of,
                previous_counts=previous,
                max_row_change=args.max_row_change,
                max_order_age_days=args.max_order_age_days,
                data_docs_dir=None if args.no_data_docs else args.data_docs.resolve(),
                on_suite=on_suite,
            )
        except Exception as error:  # a locked or corrupt file: say so, do not pass
            console.print(f"validate: could not read {args.db}: {error}", markup=False)
            return 2

    settings = {
        "max_order_age_days": args.max_order_age_days,
        "max_row_change": args.max_row_change,
        "state": str(args.state),
        "previous_row_counts": previous,
    }
    report = validation.report_dict(run, args.db, as_of, settings)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2, default=str) + "\n")

    if run.success and not args.no_record:
        validation.save_state(args.state, db_key, run.row_counts, as_of)
    for line in validation.stale_workspaces(run, args.max_order_age_days):
        console.print(line, markup=False)
    failed = [outcome.name for outcome in run.outcomes if not outcome.success]
    seconds = time.perf_counter() - started
    verdict = "all suites passed" if run.success else f"{len(failed)} suite(s) failed: {', '.join(failed)}"
    console.print(
        f"{verdict} ({len(run.outcomes)} suites, {seconds:.1f} s, as of {as_of:%Y-%m-%d %H:%M}); "
        f"report {args.report}" + (f"; data docs {run.data_docs}" if run.data_docs else ""),
        markup=False,
    )
    return 0 if run.success else 1


if __name__ == "__main__":
    sys.exit(main())
