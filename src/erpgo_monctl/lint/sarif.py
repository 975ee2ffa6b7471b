"""`monctl lint --format sarif`: the lint rules as SARIF rule metadata for diagnostics.writers."""

from __future__ import annotations

from collections.abc import Sequence

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.writers import SarifRule, sarif_report
from erpgo_monctl.lint.registry import RULES


def sarif_rules() -> list[SarifRule]:
    """Every lint rule, in registry order, as SARIF describes it."""
    return [SarifRule(rule.id, rule.summary, f"{rule.catches} {rule.why}", rule.severity) for rule in RULES]


def sarif_json(diagnostics: Sequence[Diagnostic]) -> str:
    return sarif_report(diagnostics, sarif_rules())
