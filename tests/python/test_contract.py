"""The raw contract is stated once (msgwh/contract.py); everything restating it must agree."""

import csv
import subprocess
import sys

import pytest

from msgwh.contract import RAW_TABLES, columns
from tests.conftest import REPO


def test_rendered_dbt_files_are_up_to_date():
    result = subprocess.run(
        [sys.executable, "scripts/render_contract.py", "--check"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_contract_names_every_table_of_the_spec():
    assert len(RAW_TABLES) == 22
    for table, cols in RAW_TABLES.items():
        assert table == "fx_rates" or cols[0][0] == "workspace_id", table


@pytest.mark.parametrize("table", sorted(RAW_TABLES))
def test_demo_seed_has_contract_columns_and_rows(table):
    path = REPO / "seeds" / f"{table}.csv"
    with path.open(newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = sum(1 for _ in reader)
    assert header == columns(table)
    assert rows > 0, f"demo seed {table} is empty"
