"""`--explain` pages and docs/lint.md come from the registry and say the same thing."""

from __future__ import annotations

from pathlib import Path

from erpgo_monctl.lint.explain import explain_text, markdown
from erpgo_monctl.lint.registry import BY_ID, RULES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "lint.md"


def test_explain_page_has_every_section() -> None:
    page = explain_text(BY_ID["alerts/units"])
    assert page.startswith("alerts/units (warning by default)\n")
    for heading in ("What it catches:", "Why:", "Bad:", "Good:"):
        assert f"\n{heading}\n" in page
    assert "pg_stat_statements_mean_time_seconds > 1000" in page


def test_docs_page_is_generated_from_the_registry() -> None:
    assert DOCS.read_text(encoding="utf-8") == markdown(), (
        "docs/lint.md is stale: run `python -m erpgo_monctl.lint.explain > docs/lint.md`"
    )


def test_docs_page_has_a_section_per_rule() -> None:
    text = markdown()
    for rule in RULES:
        assert f"\n## {rule.id}\n" in text
        assert rule.bad in text and rule.good in text
