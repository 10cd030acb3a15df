"""No mart exposes a raw phone number or e-mail address (docs/attribution.md#contacts-and-pii, issue 4 and 6).

Scans every text column of every table in the `marts` schema of the demo build,
except platform-issued ids and keys (`*_id`, `*_key`: a network's click id may be all
digits).
Masked phones (`+49***6789`) and salted sha256 hashes pass; anything shaped like
an e-mail address, or a value that is a phone number (digits, spaces, dashes,
brackets, an optional leading +, at least 7 digits), fails.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import query

EMAIL = r"[^@\s]+@[^@\s]+\.[^@\s]+"
PHONE = r"\+?[0-9(][0-9 ()./-]{6,}[0-9]"


def _text_columns(db: Path) -> list[tuple[str, str]]:
    return query(
        db,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'marts' and data_type = 'VARCHAR' "
        # ids and keys are platform-issued (a network's click id may be all digits)
        "and not (column_name like '%\\_id' escape '\\' or column_name like '%\\_key' escape '\\') "
        "order by 1, 2",
    )


@pytest.mark.dbt
def test_marts_have_text_columns_to_scan(demo_warehouse: Path):
    tables = {table for table, _ in _text_columns(demo_warehouse)}
    assert {"dim_contacts", "campaign_orders", "fct_order_attribution"} <= tables


@pytest.mark.dbt
def test_no_mart_text_column_holds_a_phone_or_email(demo_warehouse: Path):
    leaks = []
    for table, column in _text_columns(demo_warehouse):
        rows = query(
            demo_warehouse,
            f'select "{column}" from marts."{table}" '
            f"where regexp_matches(\"{column}\", '{EMAIL}') "
            f"or regexp_full_match(\"{column}\", '{PHONE}') limit 3",
        )
        if rows:
            leaks.append((table, column, [row[0] for row in rows]))
    assert not leaks, f"raw PII in marts: {leaks}"


def test_the_scan_catches_what_it_looks_for():
    assert re.fullmatch(PHONE, "+49 151 23456789")
    assert re.fullmatch(PHONE, "(212) 555-0134")
    assert re.search(EMAIL, "anna.schmidt@example.com")
    assert not re.fullmatch(PHONE, "+49***6789")
    assert not re.search(EMAIL, "3f1c0e9a" * 8)
