"""PrometheusRule resources: one per rule group, holding exactly the group the compose rule files hold.

One resource per group rather than per rule file or team file: a group is the unit
Prometheus evaluates (its rules run in order, one interval), its name is already unique in
the spec, a change to one group then touches one resource (small diffs, small
`kubectl apply`s), and no resource nears the 1 MiB object limit the operator's rule
ConfigMaps have. Team files (`include:`) are a way of writing the spec, not a unit the
cluster sees; their groups are still one resource each.

With `kubernetes.alertmanager.namespace_label` (the default in alertmanager_config mode)
every alerting rule without a `namespace` label of its own gets `namespace: <namespace>`,
because the operator lets an AlertmanagerConfig's route see only alerts with that label
(docs/kubernetes.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from erpgo_monctl.render.kubernetes.resources import (
    MONITORING_V1,
    Settings,
    object_name,
    resource,
    unique_names,
)
from erpgo_monctl.render.rules import (
    build_alert_rules,
    build_probe_rules,
    build_recording_rules,
    build_slo_rules,
)
from erpgo_monctl.resolve.model import Model

RULE_KINDS = ("alerts", "recording", "slo", "probes")  # the compose rule files, in rule_files order


@dataclass(frozen=True)
class RuleResource:
    """One rule group and the PrometheusRule that holds it."""

    kind: str  # alerts, recording, slo or probes: which compose rule file has the same group
    group: dict[str, Any]  # the group as the compose rule file renders it
    name: str  # the PrometheusRule's metadata.name


def rule_groups(model: Model) -> list[tuple[str, dict[str, Any]]]:
    """Every rule group of the output with the compose rule file (kind) it belongs to."""
    documents = {
        "alerts": build_alert_rules(model) if model.spec.alerts else {"groups": []},
        "recording": build_recording_rules(model) if model.spec.recording_rules else {"groups": []},
        "slo": build_slo_rules(model) if model.spec.slos else {"groups": []},
        "probes": build_probe_rules(model),
    }
    return [(kind, group) for kind in RULE_KINDS for group in documents[kind]["groups"]]


def with_namespace_label(group: dict[str, Any], namespace: str) -> dict[str, Any]:
    """The group with `namespace: <namespace>` on every alerting rule that has no namespace label."""
    rules = []
    for rule in group["rules"]:
        if "alert" in rule and "namespace" not in rule.get("labels", {}):
            rule = {**rule, "labels": {**rule.get("labels", {}), "namespace": namespace}}
        rules.append(rule)
    return {**group, "rules": rules}


def rule_resources(model: Model, settings: Settings) -> list[RuleResource]:
    groups = rule_groups(model)
    evaluation_interval = model.spec.prometheus.evaluation_interval
    names = unique_names([object_name(group["name"]) for _, group in groups])
    found = []
    for (kind, group), name in zip(groups, names, strict=True):
        if "interval" not in group:  # the Prometheus CR's evaluationInterval is not the spec's
            group = {"name": group["name"], "interval": evaluation_interval, **group}
        if settings.namespace_label:
            group = with_namespace_label(group, settings.namespace)
        found.append(RuleResource(kind, group, name))
    return found


def prometheus_rule(resource_of: RuleResource, settings: Settings) -> dict[str, Any]:
    return resource(
        MONITORING_V1, "PrometheusRule", resource_of.name, settings, {"spec": {"groups": [resource_of.group]}}
    )
