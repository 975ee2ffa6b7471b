"""`monctl lint`: best-practice findings with stable rule ids, configured per spec and silenced per item.

Rule modules (`rules_*.py`) expose `check(ctx) -> Iterator[Finding]`; this
runner applies `lint: {disable, severity}` and the items' `lint_ignore`, and
turns what is left into located Diagnostics whose code is the rule id.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator

from erpgo_monctl.diagnostics import Diagnostic, Severity
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.lint import rules_alerts, rules_logs, rules_metrics, rules_promql
from erpgo_monctl.lint.context import Finding, LintContext
from erpgo_monctl.lint.registry import BY_ID, RULES, Rule
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.operations import LintIgnore
from erpgo_monctl.validate.acknowledge import is_warning_code

# The rule modules, each `check(ctx) -> Iterator[Finding]` (their rules' ids and docs: registry.py).
RULE_CHECKS: tuple[Callable[[LintContext], Iterator[Finding]], ...] = (
    rules_promql.check,
    rules_alerts.check,
    rules_metrics.check,
    rules_logs.check,
)

__all__ = ["BY_ID", "RULES", "Finding", "Rule", "item_path", "lint_model", "unknown_rule_message"]


def lint_model(model: Model) -> list[Diagnostic]:
    """Every lint finding of a valid model, configured and silenced as the spec says, sorted by location."""
    from erpgo_monctl.validate import Context

    ctx = LintContext(model)
    findings: list[Finding] = list(_configuration_findings(model))
    for check in RULE_CHECKS:
        findings.extend(check(ctx))
    kept = _unsilenced(model, findings)
    located = Context(model)
    diagnostics = set()
    for finding in kept:
        severity = _severity(model, finding.rule, finding.severity)
        if severity is not None:
            diagnostics.add(located.diag(finding.path, finding.rule, finding.message, severity))
    return sorted(diagnostics)


def _unsilenced(model: Model, findings: list[Finding]) -> list[Finding]:
    """Findings no `lint_ignore` of their item silences, plus one for each entry that silenced nothing."""
    ignores = dict(_ignores(model))
    used: set[tuple[PathKey, int]] = set()
    kept: list[Finding] = []
    for finding in findings:
        item = item_path(finding.path)
        entries = ignores.get(item, []) if item is not None else []
        match = next((index for index, entry in enumerate(entries) if entry.rule == finding.rule), None)
        if item is not None and match is not None:
            used.add((item, match))
        else:
            kept.append(finding)
    for item, entries in ignores.items():
        for index, entry in enumerate(entries):
            active = entry.rule in BY_ID and _severity(model, entry.rule, None) is not None
            if active and (item, index) not in used:
                message = f"lint_ignore of {entry.rule} silences nothing here: remove it"
                kept.append(Finding("lint/unused-ignore", (*item, "lint_ignore", index), message))
    return kept


def _severity(model: Model, rule: str, case: Severity | None) -> Severity | None:
    """The level to report `rule` at (None: off), configuration first, then the case's, then the rule's."""
    config = model.spec.lint
    configured = config.severity.get(rule)
    if rule in config.disable or configured == "off":
        return None
    if configured is not None:
        return configured
    return case or BY_ID[rule].severity


def unknown_rule_message(rule: str) -> str:
    """What to say about a rule id that does not exist, with the closest real one."""
    close = difflib.get_close_matches(rule, list(BY_ID), n=1)
    hint = (
        f": did you mean {close[0]}?" if close else " (monctl lint --explain RULE lists them in docs/lint.md)"
    )
    return f"unknown lint rule {rule!r}{hint}"


def _configuration_findings(model: Model) -> Iterator[Finding]:
    config = model.spec.lint
    for index, rule in enumerate(config.disable):
        if rule not in BY_ID and not is_warning_code(rule):
            yield Finding("lint/unknown-rule", ("lint", "disable", index), unknown_rule_message(rule))
    for rule in config.severity:
        if rule not in BY_ID and not is_warning_code(rule):
            yield Finding("lint/unknown-rule", ("lint", "severity", rule), unknown_rule_message(rule))
    for item, entries in _ignores(model):
        for index, entry in enumerate(entries):
            if entry.rule not in BY_ID and not is_warning_code(entry.rule):
                yield Finding(
                    "lint/unknown-rule",
                    (*item, "lint_ignore", index, "rule"),
                    unknown_rule_message(entry.rule),
                )


def _ignores(model: Model) -> Iterator[tuple[PathKey, list[LintIgnore]]]:
    """(item path, its lint_ignore entries) of every item that has some."""
    spec = model.spec
    items: list[tuple[PathKey, list[LintIgnore]]] = []
    for g, alert_group in enumerate(spec.alerts):
        items += [(("alerts", g, "rules", r), rule.lint_ignore) for r, rule in enumerate(alert_group.rules)]
    for g, record_group in enumerate(spec.recording_rules):
        items += [
            (("recording_rules", g, "rules", r), rule.lint_ignore)
            for r, rule in enumerate(record_group.rules)
        ]
    items += [(("metrics", i), metric.lint_ignore) for i, metric in enumerate(spec.metrics)]
    for d, dashboard in enumerate(spec.dashboards):
        items += [
            (("dashboards", d, "panels", p), panel.lint_ignore) for p, panel in enumerate(dashboard.panels)
        ]
    if spec.logging is not None:
        items += [(("logging", "jobs", j), job.lint_ignore) for j, job in enumerate(spec.logging.jobs)]
    return ((path, entries) for path, entries in items if entries)


def item_path(path: PathKey) -> PathKey | None:
    """The spec item that can silence a finding at `path` with `lint_ignore` (None: only `lint:` can)."""
    if len(path) >= 4 and path[0] in ("alerts", "recording_rules") and path[2] == "rules":
        return path[:4]
    if len(path) >= 4 and path[0] == "dashboards" and path[2] == "panels":
        return path[:4]
    if len(path) >= 2 and path[0] == "metrics":
        return path[:2]
    if len(path) >= 3 and path[:2] == ("logging", "jobs"):
        return path[:3]
    return None
