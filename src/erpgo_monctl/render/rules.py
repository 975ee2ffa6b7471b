"""configs/alert_rules.yml and configs/recording_rules.yml (Prometheus rule files)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.resolve.probes import PROBE_GROUP, PROBE_RULE_FILE, probe_alert_group
from erpgo_monctl.spec.rules import AlertRule


def _expr(text: str) -> str:
    """Trim the trailing newline YAML block scalars leave, so output stays tidy."""
    return text.strip()


def alert_rule_entry(model: Model, rule: AlertRule) -> dict[str, Any]:
    """One Prometheus alerting rule: severity becomes a label, text becomes annotations."""
    entry: dict[str, Any] = {"alert": rule.alert, "expr": _expr(rule.expr)}
    if rule.for_:
        entry["for"] = rule.for_
    if rule.keep_firing_for:
        entry["keep_firing_for"] = rule.keep_firing_for
    entry["labels"] = {"severity": rule.severity, **dict(sorted(rule.labels.items()))}
    annotations: dict[str, str] = {"summary": rule.summary.strip(), "description": rule.description.strip()}
    runbook = model.runbook_url(rule)
    if runbook:
        annotations["runbook_url"] = runbook
    annotations.update(sorted(rule.annotations.items()))
    entry["annotations"] = annotations
    return entry


def build_alert_rules(model: Model) -> dict[str, Any]:
    groups = []
    for group in model.spec.alerts:
        data: dict[str, Any] = {"name": group.name}
        if group.interval:
            data["interval"] = group.interval
        if group.limit is not None:
            data["limit"] = group.limit
        data["rules"] = [alert_rule_entry(model, rule) for rule in group.rules]
        groups.append(data)
    return {"groups": groups}


def build_recording_rules(model: Model) -> dict[str, Any]:
    groups = []
    for group in model.spec.recording_rules:
        data: dict[str, Any] = {"name": group.name}
        if group.interval:
            data["interval"] = group.interval
        if group.limit is not None:
            data["limit"] = group.limit
        rules = []
        for rule in group.rules:
            entry: dict[str, Any] = {"record": rule.record, "expr": _expr(rule.expr)}
            if rule.labels:
                entry["labels"] = dict(sorted(rule.labels.items()))
            rules.append(entry)
        data["rules"] = rules
        groups.append(data)
    return {"groups": groups}


def render(model: Model) -> Files:
    """Render the alerting and recording rule files (each only when it has rules)."""
    files: Files = {}
    if model.spec.alerts:
        files[PurePosixPath("configs/alert_rules.yml")] = dump_yaml(
            build_alert_rules(model), model.header
        ).encode()
    if model.spec.recording_rules:
        text = dump_yaml(build_recording_rules(model), model.header)
        files[PurePosixPath("configs/recording_rules.yml")] = text.encode()
    probe_rules = build_probe_rules(model)
    if probe_rules["groups"]:
        files[PurePosixPath(f"configs/{PROBE_RULE_FILE}")] = dump_yaml(probe_rules, model.header).encode()
    return files


def build_probe_rules(model: Model) -> dict[str, Any]:
    """The opt-in probe alerts (resolve/probes.py) as one group; no group when none is enabled."""
    probe_group = probe_alert_group(model)
    if probe_group is None:
        return {"groups": []}
    return {
        "groups": [{"name": PROBE_GROUP, "rules": [alert_rule_entry(model, rule) for rule in probe_group]}]
    }
