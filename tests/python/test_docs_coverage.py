"""Every model and every column it builds is described in YAML (STYLE: YAML)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import query

pytestmark = pytest.mark.dbt


def _manifest(demo_warehouse: Path) -> dict:
    return json.loads((demo_warehouse.parent / "target" / "manifest.json").read_text())


def test_every_model_has_a_description(demo_warehouse: Path):
    manifest = _manifest(demo_warehouse)
    undocumented = [
        node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and not node.get("description", "").strip()
    ]
    assert not undocumented, f"models without a description: {undocumented}"


def _described(node: dict) -> set[str]:
    return {name.lower() for name, column in node["columns"].items() if column.get("description", "").strip()}


def test_every_built_column_is_described(demo_warehouse: Path):
    """A this-run model (meta this_run_of) carries its mart's columns, described on the mart."""
    manifest = _manifest(demo_warehouse)
    models = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    missing = []
    for node in models.values():
        if node["config"]["materialized"] == "ephemeral":
            continue
        described = _described(node)
        if node["config"]["meta"].get("this_run_of"):
            described |= _described(models[node["config"]["meta"]["this_run_of"]])
        built = {
            row[0].lower()
            for row in query(
                demo_warehouse,
                "select column_name from information_schema.columns "
                f"where table_schema = '{node['schema']}' and table_name = '{node['alias']}'",
            )
        }
        assert built, f"{node['name']} was not built"
        for column in sorted(built - described):
            missing.append(f"{node['name']}.{column}")
    assert not missing, f"columns without a description: {missing}"
