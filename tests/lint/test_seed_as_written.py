"""The seed as written (tests/cases/seed-as-written): lint reports exactly the defects expected.yaml lists."""

from __future__ import annotations

from pathlib import Path

import yaml

from erpgo_monctl.lint import lint_model
from erpgo_monctl.pipeline import load_model

CASE = Path(__file__).resolve().parents[1] / "cases" / "seed-as-written"


def test_every_seed_defect_is_reported_and_nothing_else() -> None:
    expected = yaml.safe_load((CASE / "expected.yaml").read_text(encoding="utf-8"))["findings"]
    model, _ = load_model(CASE / "spec.yaml")
    found = lint_model(model)
    reported = sorted({(d.code, d.path) for d in found})
    wanted = sorted({(item["rule"], item["path"]) for item in expected})
    missing = sorted(set(wanted) - set(reported))
    unexpected = sorted(set(reported) - set(wanted))
    assert not missing and not unexpected, f"missing: {missing}\nunexpected: {unexpected}"


def test_the_seed_fails_lint_with_errors() -> None:
    model, _ = load_model(CASE / "spec.yaml")
    assert any(d.severity == "error" for d in lint_model(model))
