"""Lint's rules as SARIF rule metadata: every rule, in registry order, with its docs."""

from __future__ import annotations

import json

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.lint.registry import RULES
from erpgo_monctl.lint.sarif import sarif_json, sarif_rules


def test_every_lint_rule_is_described_in_registry_order() -> None:
    rules = sarif_rules()
    assert [r.id for r in rules] == [rule.id for rule in RULES]
    first = RULES[0]
    assert (rules[0].summary, rules[0].severity) == (first.summary, first.severity)
    assert rules[0].description == f"{first.catches} {first.why}"


def test_sarif_json_is_a_log_with_the_lint_rules() -> None:
    diag = Diagnostic("s.yaml", 2, 3, "alerts[0]", RULES[0].id, "error", "m")
    run = json.loads(sarif_json([diag]))["runs"][0]
    assert len(run["tool"]["driver"]["rules"]) == len(RULES)
    assert run["results"][0]["ruleIndex"] == 0
