#!/usr/bin/env python
"""Run `dbt source freshness` and say, for each raw table that is late, how old its newest row is.

    python scripts/check_freshness.py [dbt options, e.g. --vars '{demo_seeds: false}']

dbt judges the age at the time the build judges its data at (macros/sources/freshness_as_of.sql:
now for real data, var `demo_as_of` on the demo seeds). Exit code: dbt's (0 fresh or warned,
1 a table is stale or the check failed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

BIN = Path(sys.executable).parent


def late_tables(sources_json: Path) -> list[str]:
    """One line per source whose freshness is not `pass`: table, newest row, age and limits."""
    if not sources_json.exists():
        return []
    lines = []
    for result in json.loads(sources_json.read_text()).get("results", []):
        if result.get("status") in ("pass", None):
            continue
        table = result["unique_id"].split(".", 2)[-1]
        if result.get("status") == "runtime error":
            lines.append(f"{result['status']}: raw.{table.split('.')[-1]}: {result.get('error') or 'query failed'}")
            continue
        hours = result["max_loaded_at_time_ago_in_s"] / 3600
        criteria = result.get("criteria", {})
        limits = ", ".join(
            f"{name.split('_')[0]} after {rule['count']} {rule['period']}s"
            for name, rule in criteria.items() if name in ("warn_after", "error_after") and rule.get("count")
        )
        lines.append(
            f"{result['status']}: raw.{table.split('.')[-1]}: newest row at {str(result['max_loaded_at'])[:16].replace('T', ' ')}, "
            f"{hours / 24:.1f} days old at {str(result['snapshotted_at'])[:16].replace('T', ' ')} ({limits})"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _, dbt_args = parser.parse_known_args(argv)
    target = Path(os.environ.get("DBT_TARGET_PATH") or "target")
    sources_json = target / "sources.json"
    sources_json.unlink(missing_ok=True)
    returncode = subprocess.run([str(BIN / "dbt"), "source", "freshness", *dbt_args]).returncode
    for line in late_tables(sources_json):
        print(line)
    return returncode


if __name__ == "__main__":
    sys.exit(main())
