"""Rule groups as typed objects with their final labels and annotations: renderers only encode them.

Prometheus sees an alert's severity as a label and its text as annotations; the runbook URL
is the rule's own or derived from `incidents.runbook_base_url`. That policy is applied here,
once, for the spec's alerts and the SLO burn-rate alerts alike, so the rule files, the
generated tests, runbooks, `monctl routes` and the routing checks all read the same values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.spec.operations import SeverityPolicy
from erpgo_monctl.spec.rules import AlertGroup, AlertRule, RecordingGroup


def frozen(mapping: Mapping[str, str]) -> Mapping[str, str]:
    """A read-only copy that keeps the order given (the order the output prints)."""
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class AlertingRule:
    """An alerting rule as Prometheus loads it, plus what routing and runbooks read of it."""

    name: str
    expr: str
    for_: str | None
    keep_firing_for: str | None
    severity: str
    labels: Mapping[str, str]  # severity first, then the rule's labels sorted
    annotations: Mapping[str, str]  # summary, description, runbook_url (when known), the rest sorted
    procedure: str | None  # the rule's, else its severity's (incidents.severities)
    group: str
    spec_path: PathKey  # the spec entry it comes from: alerts[g].rules[r], or slos[s] when generated
    source: AlertRule  # the rule as written (or as generated from an SLO)

    @property
    def routing_labels(self) -> dict[str, str]:
        """The labels Alertmanager routes this alert by that the spec knows statically."""
        return {"alertname": self.name, "severity": self.source.severity, **self.source.labels}

    @property
    def name_path(self) -> PathKey:
        """Where to point a diagnostic about the alert's name."""
        return (*self.spec_path, "alert") if self.spec_path[:1] == ("alerts",) else (*self.spec_path, "name")


@dataclass(frozen=True)
class RecordingRule:
    record: str
    expr: str
    labels: Mapping[str, str]


@dataclass(frozen=True)
class RuleGroup:
    """One Prometheus rule group: recording rules run before alerting rules in the order listed."""

    name: str
    interval: str | None
    rules: tuple[AlertingRule | RecordingRule, ...]
    limit: int | None = None  # most alerts/series the group may produce (Prometheus `limit`)

    @property
    def alerts(self) -> tuple[AlertingRule, ...]:
        return tuple(rule for rule in self.rules if isinstance(rule, AlertingRule))


@dataclass(frozen=True)
class AlertPolicy:
    """What final alert labels and annotations depend on besides the rule itself."""

    runbook_base_url: str | None
    severities: Mapping[str, SeverityPolicy]

    def runbook_url(self, rule: AlertRule) -> str | None:
        if rule.runbook_url:
            return rule.runbook_url
        if not self.runbook_base_url:
            return None
        return self.runbook_base_url.rstrip("/") + "/" + rule.alert

    def procedure(self, rule: AlertRule) -> str | None:
        if rule.procedure:
            return rule.procedure
        policy = self.severities.get(rule.severity)
        return policy.procedure if policy else None

    def alerting_rule(self, rule: AlertRule, group: str, spec_path: PathKey) -> AlertingRule:
        labels = {"severity": rule.severity, **dict(sorted(rule.labels.items()))}
        annotations = {"summary": rule.summary.strip(), "description": rule.description.strip()}
        runbook = self.runbook_url(rule)
        if runbook:
            annotations["runbook_url"] = runbook
        annotations.update(sorted(rule.annotations.items()))
        return AlertingRule(
            name=rule.alert,
            expr=rule.expr.strip(),
            for_=rule.for_,
            keep_firing_for=rule.keep_firing_for,
            severity=rule.severity,
            labels=frozen(labels),
            annotations=frozen(annotations),
            procedure=self.procedure(rule),
            group=group,
            spec_path=spec_path,
            source=rule,
        )


def alert_groups(
    groups: tuple[AlertGroup, ...] | list[AlertGroup], policy: AlertPolicy
) -> tuple[RuleGroup, ...]:
    """The spec's `alerts:` as rule groups."""
    return tuple(
        RuleGroup(
            group.name,
            group.interval,
            tuple(
                policy.alerting_rule(rule, group.name, ("alerts", g, "rules", r))
                for r, rule in enumerate(group.rules)
            ),
            group.limit,
        )
        for g, group in enumerate(groups)
    )


def recording_groups(groups: tuple[RecordingGroup, ...] | list[RecordingGroup]) -> tuple[RuleGroup, ...]:
    """The spec's `recording_rules:` as rule groups."""
    return tuple(
        RuleGroup(
            group.name,
            group.interval,
            tuple(
                RecordingRule(rule.record, rule.expr.strip(), frozen(dict(sorted(rule.labels.items()))))
                for rule in group.rules
            ),
            group.limit,
        )
        for group in groups
    )
