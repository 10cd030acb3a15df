"""PII beyond the value scan of test_pii.py (issue 6): the hash is salted by var `pii_salt`,
raw phones and e-mails stay in the raw and staging schemas, and marts are tables a BI role
can read without any grant on staging."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, query, run_dbt
from tests.python.test_pii import EMAIL, PHONE

pytestmark = pytest.mark.dbt

OTHER_SALT = "another-salt-for-the-test"
PII_SCHEMAS = {"raw", "staging"}


def _project_salt() -> str:
    return yaml.safe_load((REPO / "dbt_project.yml").read_text())["vars"]["pii_salt"]


def _sha(salt: str, email: str) -> str:
    return hashlib.sha256((salt + email).encode()).hexdigest()


def _hashes(db: Path) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    rows = query(
        db,
        "select dim.workspace_id, dim.contact_id, dim.email_hashed, stg.email_normalized "
        "from marts.dim_contacts as dim inner join staging.stg_raw__contacts as stg "
        "on dim.workspace_id = stg.workspace_id and dim.contact_id = stg.contact_id",
    )
    return {(ws, contact): (hashed, email) for ws, contact, hashed, email in rows}


def test_hashed_emails_are_salted_by_the_var(demo_warehouse: Path, tmp_path: Path):
    default = _hashes(demo_warehouse)
    salt = _project_salt()
    with_email = {key: value for key, value in default.items() if value[1] is not None}
    assert len(with_email) > 100
    assert all(hashed == _sha(salt, email) for hashed, email in with_email.values())
    assert all(hashed is None for hashed, email in default.values() if email is None)

    # rebuild the marts that hash e-mails on a copy of the demo warehouse, with another salt
    shutil.copy(demo_warehouse, tmp_path / "warehouse.duckdb")
    run_dbt(["run", "--select", "dim_contacts", "campaign_orders", "--vars", json.dumps({"pii_salt": OTHER_SALT})],
            tmp_path)
    salted = _hashes(tmp_path / "warehouse.duckdb")
    assert salted.keys() == default.keys()
    for key, (hashed, email) in with_email.items():
        assert salted[key][0] == _sha(OTHER_SALT, email) != hashed, key
    # equal e-mails still hash equal within one salt, so marts join on them: both marts hash
    # the same contact's e-mail, so every order row that joins its contact carries its hash
    joined, hashed, equal = query(
        tmp_path / "warehouse.duckdb",
        "select count(*), "
        "count(*) filter (where orders.customer_email_hashed is not null and dim.email_hashed is not null), "
        "count(*) filter (where orders.customer_email_hashed is not distinct from dim.email_hashed) "
        "from marts.campaign_orders as orders inner join marts.dim_contacts as dim "
        "on orders.workspace_id = dim.workspace_id and orders.contact_id = dim.contact_id",
    )[0]
    assert hashed > 0, f"no campaign order joins a contact with a hashed e-mail ({joined} joined rows)"
    assert equal == joined, f"{joined - equal} of {joined} joined rows hash the same contact's e-mail differently"


def test_raw_phones_and_emails_live_only_in_raw_and_staging(demo_warehouse: Path):
    """Scan the text columns of every schema but raw and staging (test_pii scans marts).

    Identifier columns (`*_id`) are left out: network click ids are long digit strings
    that the phone pattern cannot tell from a phone number.
    """
    columns = query(
        demo_warehouse,
        "select table_schema, table_name, column_name from information_schema.columns "
        "where data_type = 'VARCHAR' and table_schema not in ('raw', 'staging', 'marts') "
        "and not column_name like '%\\_id' escape '\\' order by 1, 2, 3",
    )
    assert {schema for schema, _, _ in columns} >= {"intermediate"}
    leaks = []
    for schema, table, column in columns:
        rows = query(
            demo_warehouse,
            f'select "{column}" from "{schema}"."{table}" '
            f"where regexp_matches(\"{column}\", '{EMAIL}') or regexp_full_match(\"{column}\", '{PHONE}') limit 3",
        )
        if rows:
            leaks.append((schema, table, column, [row[0] for row in rows]))
    assert not leaks, f"raw PII outside staging: {leaks}"


def test_pii_columns_are_declared_and_masked_outside_staging(demo_warehouse: Path):
    manifest = json.loads((demo_warehouse.parent / "target" / "manifest.json").read_text())
    pii_columns = [
        (node["schema"], node["name"], column["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model"
        for column in node["columns"].values()
        if (column.get("meta") or {}).get("pii") or (column.get("config", {}).get("meta") or {}).get("pii")
    ]
    assert {schema for schema, _, _ in pii_columns} >= {"staging", "marts"}
    for schema, model, column in pii_columns:
        if schema not in PII_SCHEMAS:
            assert column.endswith(("_masked", "_hashed")), f"{schema}.{model}.{column} is PII in the clear"
    # the columns of the database agree: raw forms only in raw and staging
    raw_forms = query(
        demo_warehouse,
        "select distinct table_schema from information_schema.columns "
        "where column_name in ('email', 'phone', 'email_normalized', 'phone_e164')",
    )
    assert {schema for (schema,) in raw_forms} <= PII_SCHEMAS


def test_marts_are_tables_in_their_own_schema(demo_warehouse: Path):
    """A BI role granted `marts` alone reads everything: no mart is a view over staging."""
    kinds = query(
        demo_warehouse,
        "select table_type, count(*) from information_schema.tables where table_schema = 'marts' group by all",
    )
    assert dict(kinds).keys() == {"BASE TABLE"}
    schemas = {schema for (schema,) in query(demo_warehouse, "select schema_name from information_schema.schemata")}
    assert {"raw", "staging", "intermediate", "marts"} <= schemas
