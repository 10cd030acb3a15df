"""The raw contract is stated once (msgwh/contract.py); everything restating it must agree."""

import csv
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from msgwh.contract import RAW_TABLES, columns
from tests.conftest import REPO, load_script


def test_rendered_dbt_files_are_up_to_date():
    result = subprocess.run(
        [sys.executable, "scripts/render_contract.py", "--check"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout


def test_contract_names_every_table_of_the_spec():
    assert len(RAW_TABLES) == 23
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


# ---------------------------------------------------------------------------
# The project carries its own contract: nothing points outside the repository, and every
# `docs/<file>.md#anchor` reference lands on a heading of that doc.

# Built from pieces so that this file does not match its own patterns.
_OUTSIDE = re.compile("|".join([re.escape("SP" + "EC"), re.escape(".." + "/shared")]))
_DOC_REF = re.compile(r"(?<![\w/.-])(docs/)?([A-Za-z0-9_.-]+\.md)#([A-Za-z0-9_-]+)")
_HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")


@cache
def _tracked_text_files() -> tuple[tuple[str, str], ...]:
    paths = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode().split("\0")
    files = []
    for path in filter(None, paths):
        full = REPO / path
        if not full.is_file():
            continue
        data = full.read_bytes()
        if b"\0" in data[:8192]:
            continue
        try:
            files.append((path, data.decode("utf-8")))
        except UnicodeDecodeError:
            continue
    return tuple(files)


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-'."""
    text = re.sub(r"`|\*\*|__|\[|\]\([^)]*\)", "", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def doc_anchors(text: str) -> set[str]:
    anchors: set[str] = set()
    seen: dict[str, int] = {}
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            continue
        match = None if in_fence else _HEADING.match(line)
        if match:
            slug = github_slug(match.group(2))
            count = seen.get(slug, 0)
            seen[slug] = count + 1
            anchors.add(slug if count == 0 else f"{slug}-{count}")
    return anchors


def test_github_slug():
    assert github_slug("Identity stitching") == "identity-stitching"
    assert github_slug("Choices the rules leave open") == "choices-the-rules-leave-open"
    assert github_slug("`shop_orders`") == "shop_orders"
    assert github_slug("Revenue rollups: daily, weekly, monthly") == "revenue-rollups-daily-weekly-monthly"
    assert doc_anchors("# A\n## Link\n### Link\n```\n# not a heading\n```\n") == {"a", "link", "link-1"}


def test_nothing_points_outside_the_repository():
    """Every reference goes to the project's own docs (docs/contract.md, docs/attribution.md)."""
    places = [
        f"{path}:{number}: {line.strip()[:120]}"
        for path, text in _tracked_text_files()
        for number, line in enumerate(text.splitlines(), start=1)
        if _OUTSIDE.search(line)
    ]
    assert not places, "references to a document outside the repository:\n" + "\n".join(places)


def test_doc_anchor_references_exist():
    """`docs/<file>.md#anchor` (and, inside docs/, `<file>.md#anchor` and `#anchor`) name real headings."""
    docs = {f"docs/{doc.name}": doc.read_text() for doc in (REPO / "docs").glob("*.md")}
    anchors = {path: doc_anchors(text) for path, text in docs.items()}
    broken = []
    for path, text in _tracked_text_files():
        in_docs = path.startswith("docs/") and path.endswith(".md")
        for number, line in enumerate(text.splitlines(), start=1):
            refs = []
            for match in _DOC_REF.finditer(line):
                prefix, name, anchor = match.groups()
                if prefix:
                    refs.append((f"docs/{name}", anchor))
                elif in_docs:
                    refs.append((str(Path(path).parent / name), anchor))
                elif f"docs/{name}" in docs:
                    refs.append((f"docs/{name}", anchor))
            if in_docs:
                refs += [(path, anchor) for anchor in re.findall(r"\]\(#([A-Za-z0-9_-]+)\)", line)]
            for doc, anchor in refs:
                if doc not in anchors:
                    broken.append(f"{path}:{number}: {doc} does not exist")
                elif anchor not in anchors[doc]:
                    broken.append(f"{path}:{number}: {doc} has no heading for #{anchor}")
    assert not broken, "references to missing doc sections:\n" + "\n".join(broken)


def test_contract_doc_has_its_sections():
    text = (REPO / "docs" / "contract.md").read_text()
    anchors = doc_anchors(text)
    for anchor in ("where-raw-data-is-read-from", "raw-tables", "enumerations", "marts", "bad-input", "value-rules"):
        assert anchor in anchors, anchor
    for table in RAW_TABLES:
        assert table in anchors, table
    assert "invalid_<column>" in text and "dq_rejected_rows" in text


def test_contract_doc_names_every_public_mart():
    """The marts of docs/contract.md are the models under models/marts, and the other way round."""
    rendered = set(load_script(REPO / "scripts" / "render_contract.py").MARTS)
    built = {
        path.stem
        for path in (REPO / "models" / "marts").rglob("*.sql")
    }
    assert rendered == built


_MACRO_CALL = re.compile(r"\{\{\s*(dq_required_checks|dq_timestamp_checks|dq_amount_checks|dq_enum_check)\((.*?)\)\s*\}\}")
_LITERAL_REASON = re.compile(r"\bthen\s+'([a-z_]+)'")


def _reasons_in_sql(sql: str) -> set[str]:
    """The rejection reasons a base model's checks can give (macros expanded by name)."""
    reasons = set(_LITERAL_REASON.findall(sql))
    for macro, args in _MACRO_CALL.findall(sql):
        columns = [c.split(".")[-1] for c in re.findall(r"'([\w.]+)'", args)]
        required = "required=false" not in args.replace(" ", "")
        if macro == "dq_required_checks":
            reasons |= {f"null_{c}" for c in columns}
            continue
        column = columns[0]
        if required:
            reasons.add(f"null_{column}")
        if macro == "dq_timestamp_checks":
            reasons |= {f"future_{column}", f"{column}_too_old"}
        elif macro == "dq_amount_checks":
            reasons |= {f"negative_{column}", f"{column}_out_of_range"}
        elif macro == "dq_enum_check":
            reasons.add(f"unknown_{column}_value")
    return reasons


@pytest.mark.parametrize("table", sorted(RAW_TABLES))
def test_value_rules_match_the_checks_of_the_base_model(table):
    """docs/contract.md#value-rules lists exactly the reasons base_raw__<table> can give
    (besides invalid_<column>, duplicates and superseded versions, told in #bad-input)."""
    sql = (REPO / "models" / "staging" / "raw" / "base" / f"base_raw__{table}.sql").read_text()
    in_sql = {r for r in _reasons_in_sql(sql) if not r.startswith(("duplicate_", "superseded_"))}
    documented = {rule.reason for rule in load_script(REPO / "scripts" / "render_contract.py").VALUE_RULES[table]}
    assert documented == in_sql, (
        f"documented only: {sorted(documented - in_sql)}; checked only: {sorted(in_sql - documented)}"
    )
