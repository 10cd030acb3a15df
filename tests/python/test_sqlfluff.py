"""SQL style: sqlfluff (dbt templater, .sqlfluff) reports zero violations."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, dbt_env


def test_sqlfluff_lint_is_clean(tmp_path: Path):
    sqlfluff = Path(sys.executable).parent / "sqlfluff"
    result = subprocess.run(
        [str(sqlfluff), "lint", "models", "analyses", "tests"],
        cwd=REPO,
        env=dbt_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
