"""The rule registry: stable ids, complete pages, every rule reachable from a rule module."""

from __future__ import annotations

import re
from pathlib import Path

from erpgo_monctl.lint.registry import BY_ID, RULES

SRC = Path(__file__).resolve().parents[2] / "src" / "erpgo_monctl" / "lint"

REQUIRED = {
    "promql/histogram-quantile-without-le",
    "promql/rate-on-non-counter",
    "promql/counter-without-rate",
    "promql/range-too-short",
    "alerts/no-comparison",
    "alerts/for-missing",
    "alerts/for-too-short",
    "alerts/template-label-aggregated-away",
    "alerts/units",
    "alerts/rate-per-minute-text",
    "alerts/name-style",
    "alerts/group-too-large",
    "alerts/missing-annotations",
    "promql/regex-without-regex-chars",
    "rules/duplicate-expression",
    "metrics/high-cardinality-label",
    "logs/high-cardinality-label",
    "metrics/naming",
}


def test_required_rules_exist_with_unique_ids() -> None:
    assert set(BY_ID) >= REQUIRED
    assert len(BY_ID) == len(RULES)


def test_ids_are_stable_kebab_case_under_a_family() -> None:
    for rule in RULES:
        assert re.fullmatch(r"(promql|alerts|rules|metrics|logs|lint)/[a-z0-9]+(-[a-z0-9]+)*", rule.id), (
            rule.id
        )


def test_every_page_is_complete() -> None:
    for rule in RULES:
        assert rule.severity in ("error", "warning", "info")
        for part in (rule.summary, rule.catches, rule.why, rule.bad, rule.good):
            assert part.strip(), rule.id
        assert rule.bad != rule.good, rule.id


def test_every_rule_is_emitted_by_some_module() -> None:
    sources = "".join(
        path.read_text(encoding="utf-8") for path in SRC.glob("*.py") if path.name != "registry.py"
    )
    for rule in RULES:
        assert f'"{rule.id}"' in sources, f"no module reports {rule.id}"
