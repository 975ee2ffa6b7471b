"""The reference spec lints clean: no warning or error, and every silence says why."""

from __future__ import annotations

from erpgo_monctl.lint import lint_model
from erpgo_monctl.pipeline import load_model
from tests.conftest import ERPGO_SPEC


def test_erpgo_spec_has_no_lint_findings() -> None:
    model, _ = load_model(ERPGO_SPEC)
    assert [d.as_text() for d in lint_model(model)] == []


def test_every_silence_in_erpgo_has_a_substantial_reason() -> None:
    model, _ = load_model(ERPGO_SPEC)
    ignores = [entry for metric in model.spec.metrics for entry in metric.lint_ignore]
    ignores += [entry for group in model.spec.alerts for rule in group.rules for entry in rule.lint_ignore]
    ignores += [
        entry for group in model.spec.recording_rules for rule in group.rules for entry in rule.lint_ignore
    ]
    assert all(len(entry.reason.split()) >= 8 for entry in ignores)
