"""Rule pages as text (`monctl lint --explain RULE`) and as docs/lint.md, from one source: the registry.

Regenerate the docs page with: `python -m erpgo_monctl.lint.explain > docs/lint.md`.
"""

from __future__ import annotations

import textwrap

from erpgo_monctl.lint.registry import RULES, Rule

_WIDTH = 100


def _paragraph(text: str) -> str:
    return textwrap.fill(text, _WIDTH)


def explain_text(rule: Rule) -> str:
    """The page `monctl lint --explain RULE` prints."""
    indent = "    "
    return "\n".join(
        [
            f"{rule.id} ({rule.severity} by default)",
            "",
            rule.summary,
            "",
            "What it catches:",
            textwrap.indent(_paragraph(rule.catches), indent),
            "",
            "Why:",
            textwrap.indent(_paragraph(rule.why), indent),
            "",
            "Bad:",
            textwrap.indent(rule.bad, indent),
            "",
            "Good:",
            textwrap.indent(rule.good, indent),
            "",
        ]
    )


def markdown() -> str:
    """docs/lint.md: how to run and configure lint, then every rule's page."""
    lines = [
        "# `monctl lint` rules",
        "",
        "<!-- Generated from src/erpgo_monctl/lint/registry.py by "
        "`python -m erpgo_monctl.lint.explain > docs/lint.md`; a test keeps them in step. -->",
        "",
        "`monctl lint SPEC [--format text|json|sarif]` reports best-practice findings, each with a stable",
        "rule id, a severity and the spec location. It exits 1 when any finding is at `error` level, else 0.",
        "`monctl lint --explain RULE` prints the page of one rule below.",
        "",
        "Configure rules per spec, and silence a deliberate finding on the item itself (alerts, recording",
        "rules, metrics, dashboard panels and log jobs accept `lint_ignore`); the reason is required:",
        "",
        "```yaml",
        "lint:",
        "  disable: [alerts/for-missing]",
        "  severity: {alerts/group-too-large: warning, promql/regex-without-regex-chars: off}",
        "metrics:",
        "  - name: erpgo_auth_failures_by_ip_total",
        "    lint_ignore:",
        "      - rule: metrics/high-cardinality-label",
        "        reason: the API's real metric; bounded by ...",
        "```",
        "",
        "Unknown rule ids in `lint:` or `lint_ignore` are reported (`lint/unknown-rule`), and an ignore that",
        "silences nothing is reported too (`lint/unused-ignore`).",
        "",
        "`monctl validate`'s warnings (W302, W315, W316, W317, W411, W412, W414; docs/validate.md) are",
        "acknowledged the same way, by their code: `lint: {disable: [W315]}` (or",
        "`severity: {W315: off}`) for the whole spec, or `lint_ignore: [{rule: W317, reason: ...}]` on the",
        "item the warning is located in. Errors are never silenced.",
        "",
        "| rule | default | catches |",
        "|---|---|---|",
    ]
    lines += [f"| [`{rule.id}`](#{_anchor(rule.id)}) | {rule.severity} | {rule.summary} |" for rule in RULES]
    for rule in RULES:
        lines += [
            "",
            f"## {rule.id}",
            "",
            f"Default severity: **{rule.severity}**. {rule.summary[0].upper()}{rule.summary[1:]}.",
            "",
            f"**What it catches.** {rule.catches}",
            "",
            f"**Why.** {rule.why}",
            "",
            "Bad:",
            "",
            "```yaml",
            rule.bad,
            "```",
            "",
            "Good:",
            "",
            "```yaml",
            rule.good,
            "```",
        ]
    return "\n".join(lines) + "\n"


def _anchor(rule_id: str) -> str:
    return "".join(ch for ch in rule_id if ch.isalnum() or ch == "-")


if __name__ == "__main__":
    print(markdown(), end="")
