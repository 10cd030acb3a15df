#!/usr/bin/env python
"""sqlfluff over the project, the same whatever the local warehouse holds, both branches
of is_incremental().

    python scripts/lint.py [--empty-build DIR] [PATH ...]      (default paths: models analyses tests)

sqlfluff's dbt templater renders is_incremental() true where the model's table exists in
the target database, so linting against warehouse.duckdb would check other SQL than a fresh
clone does. .sqlfluff therefore renders against the profile target `lint`
(profiles.yml), an in-memory database that never holds a table:

1. every file, is_incremental() false;
2. the incremental models again, against an empty build (`dbt build --empty` of the seeds
   and models in a temporary DuckDB file; DBT_LINT_DUCKDB_PATH points the `lint` target at
   it): each model's table exists, so is_incremental() is true, and the queries the
   incremental branches run at compile time find empty tables.

`--changed` lints only the SQL files changed since the last commit (uncommitted or untracked),
or every file when a change shapes them all (macros, dbt_project.yml, profiles.yml, the sqlfluff
configuration): the fast loop's scope. `--empty-build DIR` reuses such a build (DIR/warehouse.duckdb and DIR/target/manifest.json,
what `make test-fast` makes for the dbt unit tests) instead of making one; `--branch` runs one
pass only (`make test-fast` runs the two side by side). Exit code 0 when the passes are clean.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEFAULT_PATHS = ["models", "analyses", "tests"]


def dbt_env(workdir: Path) -> dict[str, str]:
    """Environment for dbt and sqlfluff with every file they write under `workdir`."""
    env = dict(os.environ)
    for name in ("DBT_TARGET", "DBT_LINT_DUCKDB_PATH"):
        env.pop(name, None)
    env.update(
        DBT_PROFILES_DIR=str(ROOT),
        DBT_PROJECT_DIR=str(ROOT),
        DBT_DUCKDB_PATH=str(workdir / "warehouse.duckdb"),
        DBT_TARGET_PATH=str(workdir / "target"),
        DBT_LOG_PATH=str(workdir / "logs"),
        DBT_DUCKDB_TEMP_DIR=str(workdir / "duckdb_tmp"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    return env


def empty_build(workdir: Path) -> None:
    """Seeds and every model with zero rows in workdir/warehouse.duckdb (no tests)."""
    command = [str(BIN / "dbt"), "build", "--empty", "--exclude-resource-type", "test", "unit_test"]
    result = subprocess.run(command, cwd=ROOT, env=dbt_env(workdir), capture_output=True, text=True)
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-6000:] + result.stderr[-2000:])
        raise SystemExit(f"lint: the empty build failed ({result.returncode}): {' '.join(command[1:])}")


def incremental_models(manifest_path: Path, paths: list[str]) -> list[str]:
    """Paths of the incremental models under `paths`, from a dbt manifest, and of the
    this-run models (meta this_run_of), whose incremental branch follows their mart's table."""
    manifest = json.loads(manifest_path.read_text())
    return sorted(
        node["original_file_path"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        and (node["config"].get("materialized") == "incremental" or node["config"]["meta"].get("this_run_of"))
        and under(node["original_file_path"], paths)
    )


# a change here can change the SQL of any file: lint everything
SHAPES_EVERY_FILE = ("macros/", "dbt_project.yml", "profiles.yml", ".sqlfluff", ".sqlfluffignore", "packages.yml")


def changed_files(paths: list[str]) -> list[str] | None:
    """SQL files under `paths` changed since HEAD (uncommitted or untracked), or None for all."""
    try:
        listed = [
            subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
            for command in (["git", "diff", "--name-only", "HEAD"], ["git", "ls-files", "--others", "--exclude-standard"])
        ]
    except (OSError, subprocess.CalledProcessError):
        return None
    names = {name for names in listed for name in names}
    if any(name.startswith(SHAPES_EVERY_FILE) for name in names):
        return None
    return sorted(name for name in names if name.endswith(".sql") and under(name, paths) and (ROOT / name).exists())


def under(path: str, paths: list[str]) -> bool:
    prefixes = [Path(prefix).as_posix().rstrip("/") for prefix in paths]
    return any(prefix in (".", "") or path == prefix or path.startswith(prefix + "/") for prefix in prefixes)


def sqlfluff(paths: list[str], workdir: Path, lint_db: Path | None) -> int:
    env = dbt_env(workdir)
    if lint_db is not None:
        env["DBT_LINT_DUCKDB_PATH"] = str(lint_db)
    return subprocess.run([str(BIN / "sqlfluff"), "lint", *paths], cwd=ROOT, env=env).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS, help="files or folders (default: %(default)s)")
    parser.add_argument(
        "--branch", choices=["false", "true", "both"], default="both",
        help="lint with is_incremental() false (every file), true (the incremental models) or both (default)",
    )
    parser.add_argument(
        "--changed", action="store_true",
        help="only the SQL files changed since the last commit (all of them when macros or configuration changed)",
    )
    parser.add_argument(
        "--empty-build", type=Path, metavar="DIR",
        help="reuse this `dbt build --empty` (DIR/warehouse.duckdb, DIR/target/manifest.json) for the incremental pass",
    )
    args = parser.parse_args(argv)
    if args.changed:
        changed = changed_files(args.paths)
        if changed is None:
            print("lint: macros or configuration changed since the last commit: every file", flush=True)
        elif not changed:
            print("lint: no SQL file changed since the last commit", flush=True)
            return 0
        else:
            args.paths = changed

    with tempfile.TemporaryDirectory(prefix="msgwh-lint-") as tmp:
        tmp = Path(tmp)
        started = time.monotonic()
        failed = False
        if args.branch in ("false", "both"):
            print(f"lint: {' '.join(args.paths)} with is_incremental() false", flush=True)
            failed |= sqlfluff(args.paths, tmp / "false_branch", None) != 0

        if args.branch in ("true", "both"):
            build = args.empty_build
            if build is None:
                build = tmp / "empty_build"
                print("lint: dbt build --empty (seeds and models, no rows) for the incremental branches", flush=True)
                empty_build(build)
            models = incremental_models(build / "target" / "manifest.json", args.paths)
            print(f"lint: {len(models)} incremental models with is_incremental() true", flush=True)
            if models:
                failed |= sqlfluff(models, tmp / "true_branch", build / "warehouse.duckdb") != 0
        print(f"lint: {'FAILED' if failed else 'clean'} ({time.monotonic() - started:.0f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
