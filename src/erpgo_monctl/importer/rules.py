"""Prometheus rule files (`groups:`) and PrometheusRule manifests -> `recording_rules` and `alerts`.

An alerting rule's `severity` label and its `summary`, `description` and `runbook_url`
annotations become the spec's first-class fields, so the rendered rule carries exactly
the labels and annotations it had; what the spec cannot hold is reported, not dropped.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.importer.context import (
    BAD_SHAPE,
    Document,
    Findings,
    as_list,
    as_str,
    check_keys,
)
from erpgo_monctl.importer.draft import Draft
from erpgo_monctl.spec.types import DURATION_RE, duration_seconds

GROUP_KEYS = ("name", "interval", "rules", "limit", "query_offset", "labels")
RULE_KEYS = ("alert", "record", "expr", "for", "keep_firing_for", "labels", "annotations")
LIFTED = ("summary", "description", "runbook_url")
# Fields the spec does not hold yet, and why (issue 13 adds some; see docs/import.md).
NOT_YET = {
    "limit": "the spec has no rule group `limit` yet",
    "query_offset": "`query_offset` is newer than the promtool 2.42 here; the spec has no field for it",
    "labels": "group-level `labels` (Prometheus 3) are not in the spec; put them on each rule",
    "keep_firing_for": "the spec has no `keep_firing_for` yet",
}


def import_rule_file(found: Findings, draft: Draft, doc: Document, data: Any, at: PathKey) -> None:
    """The rule groups `data` found at `at` in the document (`groups`, `spec.groups`, ...)."""
    for g, group in enumerate(as_list(found, doc, at, data, "a list of rule groups")):
        _group(found, draft, doc, (*at, g), group)


def import_prometheus_rule(found: Findings, draft: Draft, doc: Document) -> None:
    """A prometheus-operator PrometheusRule: its spec.groups are a rule file's groups."""
    data = doc.data
    check_keys(found, doc, (), data, ("apiVersion", "kind", "metadata", "spec"), "a PrometheusRule")
    spec = check_keys(found, doc, ("spec",), data.get("spec"), ("groups",), "PrometheusRule spec")
    if spec:
        import_rule_file(found, draft, doc, spec.get("groups"), ("spec", "groups"))


def _group(found: Findings, draft: Draft, doc: Document, path: PathKey, group: Any) -> None:
    group = check_keys(found, doc, path, group, GROUP_KEYS, "a rule group")
    if not group:
        return
    name = as_str(found, doc, (*path, "name"), group.get("name"), "a group name")
    if name is None:
        return
    for key, reason in NOT_YET.items():
        if key in group and key != "keep_firing_for":
            found.lost(doc, (*path, key), reason)
    interval = group.get("interval")
    records: list[dict[str, Any]] = []
    alerts: list[dict[str, Any]] = []
    rules = as_list(found, doc, (*path, "rules"), group.get("rules"), "rules")
    for r, rule in enumerate(rules):
        rule_path = (*path, "rules", r)
        rule = check_keys(found, doc, rule_path, rule, RULE_KEYS, "a rule")
        if not rule:
            continue
        if ("alert" in rule) == ("record" in rule):
            found.add(doc, rule_path, BAD_SHAPE, "error", "a rule has exactly one of `alert:` or `record:`")
            continue
        if "alert" in rule:
            converted = _alert(found, draft, doc, rule_path, rule)
            if converted is not None:
                alerts.append(draft.item(converted, doc, rule_path))
        else:
            converted = _record(found, doc, rule_path, rule)
            if converted is not None:
                records.append(draft.item(converted, doc, rule_path))
    for rules_out, into in ((records, draft.recording_rules), (alerts, draft.alerts)):
        if rules_out:
            entry: dict[str, Any] = {"name": name}
            if interval is not None:
                entry["interval"] = str(interval)
            entry["rules"] = rules_out
            made = draft.item(entry, doc, path)
            draft.group_files[id(made)] = doc.display
            into.append(made)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _expr(found: Findings, doc: Document, path: PathKey, rule: dict[str, Any]) -> str | None:
    expr = rule.get("expr")
    if expr is None or (isinstance(expr, str) and not expr.strip()):
        found.add(doc, (*path, "expr"), BAD_SHAPE, "error", "a rule needs a non-empty `expr:`")
        return None
    return _text(expr).strip()


def _string_map(found: Findings, doc: Document, path: PathKey, value: Any, what: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        found.add(doc, path, BAD_SHAPE, "error", f"{what} must be a mapping of strings")
        return {}
    return {str(k): _text(v) for k, v in value.items()}


def _broken_template(
    found: Findings, doc: Document, path: PathKey, name: str, sections: dict[str, dict[str, str]]
) -> bool:
    """Located errors for label/annotation values Prometheus cannot parse as Go templates."""
    from erpgo_monctl.analysis.gotemplate import check_template

    broken = False
    for section, values in sections.items():
        for key, text in values.items():
            if "{{" not in text and "}}" not in text:
                continue
            problems = [p.message for p in check_template(text) if p.structural]
            if problems:
                broken = True
                found.lost(
                    doc,
                    (*path, section, key),
                    f"alert {name}: {section[:-1]} {key} is not a valid Go template ({problems[0]}); "
                    "Prometheus refuses this rule file: fix the template and import again",
                )
    return broken


def _record(found: Findings, doc: Document, path: PathKey, rule: dict[str, Any]) -> dict[str, Any] | None:
    expr = _expr(found, doc, path, rule)
    if expr is None:
        return None
    out: dict[str, Any] = {"record": _text(rule["record"]), "expr": expr}
    for key in ("for", "keep_firing_for", "annotations"):
        if key in rule:
            found.add(doc, (*path, key), BAD_SHAPE, "error", f"a recording rule has no `{key}`", key=True)
    labels = _string_map(found, doc, (*path, "labels"), rule.get("labels"), "labels")
    if labels:
        out["labels"] = labels
    return out


def _alert(
    found: Findings, draft: Draft, doc: Document, path: PathKey, rule: dict[str, Any]
) -> dict[str, Any] | None:
    expr = _expr(found, doc, path, rule)
    if expr is None:
        return None
    name = _text(rule["alert"])
    out: dict[str, Any] = {"alert": name, "expr": expr}
    if "for" in rule:
        duration = _text(rule["for"])
        if not DURATION_RE.fullmatch(duration):
            found.add(doc, (*path, "for"), BAD_SHAPE, "error", f"{duration!r} is not a duration (e.g. 5m)")
            return None
        if duration_seconds(duration) > 0:  # `for: 0s` is the same as no `for`
            out["for"] = duration
    if "keep_firing_for" in rule:
        found.lost(doc, (*path, "keep_firing_for"), NOT_YET["keep_firing_for"])
    labels = _string_map(found, doc, (*path, "labels"), rule.get("labels"), "labels")
    annotations = _string_map(found, doc, (*path, "annotations"), rule.get("annotations"), "annotations")
    if _broken_template(found, doc, path, name, {"labels": labels, "annotations": annotations}):
        return None
    severity = labels.pop("severity", None)
    if severity is None:
        severity = "warning"
        found.added(
            doc,
            path,
            f"alert {name} has no severity label: imported as `severity: warning` "
            '(the rendered rule gains severity="warning"); set the right one',
        )
    draft.severities.setdefault(severity, None)
    out["severity"] = severity
    for key in ("summary", "description"):
        text = annotations.pop(key, "")
        if not text.strip():
            text = annotations.get("message", "") if key == "summary" else ""
            text = text or name
            found.added(
                doc,
                (*path, "annotations") if "annotations" in rule else path,
                f"alert {name} has no `{key}` annotation: imported as {text!r} (the spec requires one; "
                "the rendered rule gains it)",
            )
        out[key] = text
    if "runbook_url" in annotations:
        out["runbook_url"] = annotations.pop("runbook_url")
    if labels:
        out["labels"] = labels
    if annotations:
        out["annotations"] = annotations
    return out
