"""configs/{alert,recording,slo,probe}_rules.yml (Prometheus rule files).

The rule groups are resolved (resolve/rule_groups.py, resolve/slo_rules.py): final labels and
annotations included. This module only encodes them.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import rule_file_path
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.resolve.rule_groups import AlertingRule, RecordingRule, RuleGroup


def alert_rule_entry(rule: AlertingRule) -> dict[str, Any]:
    """One Prometheus alerting rule: severity is a label, text is annotations."""
    entry: dict[str, Any] = {"alert": rule.name, "expr": rule.expr}
    if rule.for_:
        entry["for"] = rule.for_
    if rule.keep_firing_for:
        entry["keep_firing_for"] = rule.keep_firing_for
    entry["labels"] = dict(rule.labels)
    entry["annotations"] = dict(rule.annotations)
    return entry


def recording_rule_entry(rule: RecordingRule) -> dict[str, Any]:
    entry: dict[str, Any] = {"record": rule.record, "expr": rule.expr}
    if rule.labels:
        entry["labels"] = dict(rule.labels)
    return entry


def rule_groups_document(groups: tuple[RuleGroup, ...]) -> dict[str, Any]:
    """A Prometheus rule file of `groups`."""
    encoded = []
    for group in groups:
        data: dict[str, Any] = {"name": group.name}
        if group.interval:
            data["interval"] = group.interval
        if group.limit is not None:
            data["limit"] = group.limit
        data["rules"] = [
            alert_rule_entry(rule) if isinstance(rule, AlertingRule) else recording_rule_entry(rule)
            for rule in group.rules
        ]
        encoded.append(data)
    return {"groups": encoded}


def build_alert_rules(model: Model) -> dict[str, Any]:
    return rule_groups_document(model.alert_groups)


def build_recording_rules(model: Model) -> dict[str, Any]:
    return rule_groups_document(model.recording_groups)


def build_slo_rules(model: Model) -> dict[str, Any]:
    return rule_groups_document(model.slo_groups)


def build_probe_rules(model: Model) -> dict[str, Any]:
    return rule_groups_document(model.probe_groups)


def render(model: Model) -> Files:
    """Render each rule file that has rules (Prometheus loads them via rule_files)."""
    files: Files = {}
    for kind, groups in (
        ("alerts", model.alert_groups),
        ("recording", model.recording_groups),
        ("slo", model.slo_groups),
        ("probes", model.probe_groups),
    ):
        if groups:
            files[rule_file_path(kind)] = dump_yaml(rule_groups_document(groups), model.header).encode()
    return files
