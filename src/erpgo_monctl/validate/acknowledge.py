"""Validate warnings acknowledged the way lint findings are: one mechanism, documented in docs/lint.md.

`lint: {disable: [W315]}` (or `severity: {W315: off}`) silences a warning code for the whole spec;
`lint_ignore: [{rule: W317, reason: ...}]` on the item a warning is located in (an alert rule, a
recording rule, a metric, a panel, a log job) silences it there. Errors are never silenced.
"""

from __future__ import annotations

import re

from erpgo_monctl.diagnostics import Diagnostic, format_path
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model

WARNING_CODE_RE = re.compile(r"W[0-9]{3}")


def is_warning_code(rule: str) -> bool:
    """True for a validate warning code (W315), which `lint:` and `lint_ignore` accept like a rule id."""
    return bool(WARNING_CODE_RE.fullmatch(rule))


def _ignored(model: Model) -> dict[str, set[str]]:
    """Formatted item path -> the warning codes its `lint_ignore` acknowledges."""
    spec = model.spec
    items: list[tuple[PathKey, list[str]]] = []
    for g, alert_group in enumerate(spec.alerts):
        items += [
            (("alerts", g, "rules", r), [i.rule for i in rule.lint_ignore])
            for r, rule in enumerate(alert_group.rules)
        ]
    for g, record_group in enumerate(spec.recording_rules):
        items += [
            (("recording_rules", g, "rules", r), [i.rule for i in rule.lint_ignore])
            for r, rule in enumerate(record_group.rules)
        ]
    items += [(("metrics", m), [i.rule for i in metric.lint_ignore]) for m, metric in enumerate(spec.metrics)]
    for d, dashboard in enumerate(spec.dashboards):
        items += [
            (("dashboards", d, "panels", p), [i.rule for i in panel.lint_ignore])
            for p, panel in enumerate(dashboard.panels)
        ]
    if spec.logging is not None:
        items += [
            (("logging", "jobs", j), [i.rule for i in job.lint_ignore])
            for j, job in enumerate(spec.logging.jobs)
        ]
    return {format_path(path): {r for r in rules if is_warning_code(r)} for path, rules in items if rules}


def _inside(path: str, item: str) -> bool:
    return path == item or path.startswith((item + ".", item + "["))


def acknowledged(model: Model, found: list[Diagnostic]) -> list[Diagnostic]:
    """`found` without the warnings the spec acknowledges (`lint.disable`, `severity: off`, `lint_ignore`)."""
    config = model.spec.lint
    off = {code for code in config.disable if is_warning_code(code)}
    off |= {code for code, level in config.severity.items() if level == "off" and is_warning_code(code)}
    ignored = _ignored(model)
    kept = []
    for diag in found:
        if diag.severity == "warning" and (
            diag.code in off
            or any(diag.code in codes and _inside(diag.path, item) for item, codes in ignored.items())
        ):
            continue
        kept.append(diag)
    return kept
