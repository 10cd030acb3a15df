"""SQL style: sqlfluff (dbt templater, .sqlfluff) reports zero violations in both branches of
is_incremental(), whatever warehouse.duckdb holds: scripts/lint.py, as `make lint` runs it."""

import subprocess
import sys

import pytest

from tests.conftest import REPO

# the incremental branches render against a `dbt build --empty` (scripts/lint.py)
pytestmark = pytest.mark.dbt


def test_sqlfluff_lint_is_clean():
    result = subprocess.run(
        [sys.executable, "scripts/lint.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
