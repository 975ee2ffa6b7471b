"""What labels an alert carries: its static labels, and those its expression's result can keep.

The expression's labels come from `erpgo_monctl.analysis.promql_labels` (shared with lint) as a set, or
None when any label may survive (a bare selector keeps whatever the series have). Checks only
flag a label as missing when the answer is a set without it: certain, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.diagnostics.source import PathKey

from . import Context
from .promql import facts

Labels = frozenset[str] | None  # None: unknown, any label may be present


@dataclass(frozen=True)
class AlertInfo:
    """One alerting rule as Alertmanager will see it, plus what its expression can add."""

    path: PathKey  # spec path of the rule
    name: str
    severity: str
    labels: dict[str, str]  # alertname, severity and the rule's static labels
    expression_labels: Labels  # labels the expression's result can carry (None: unknown)

    def may_have(self, label: str) -> bool:
        """False only when the label is certainly absent from every alert instance."""
        if label in self.labels:
            return True
        return self.expression_labels is None or label in self.expression_labels

    def describe(self) -> str:
        extra = ", ".join(
            f"{k}={v}" for k, v in sorted(self.labels.items()) if k not in ("alertname", "severity")
        )
        return f"{self.name} ({self.severity}{', ' + extra if extra else ''})"


def alerts(ctx: Context) -> list[AlertInfo]:
    """Every alerting rule of the spec (SLO burn-rate alerts are rendered later and not included).

    Built once per model: the labels and routing checks both read it.
    """
    cached = ctx.model.cache.get("alert_infos")
    if cached is not None:
        return list(cached)
    found = []
    for g, group in enumerate(ctx.model.spec.alerts):
        for r, rule in enumerate(group.rules):
            labels = {**rule.labels, "alertname": rule.alert, "severity": rule.severity}
            found.append(
                AlertInfo(
                    ("alerts", g, "rules", r), rule.alert, rule.severity, labels, expression_labels(rule.expr)
                )
            )
    ctx.model.cache["alert_infos"] = tuple(found)
    return found


Signature = tuple[tuple[str, str | None], ...]


def signature(labels: dict[str, str], names: tuple[str, ...]) -> Signature:
    """`labels` seen only through `names` (None: absent): alerts alike there route alike."""
    return tuple((name, labels.get(name)) for name in names)


def expression_labels(expr: str) -> Labels:
    """output_labels of an expression text (None when unknown or it does not parse), once per text."""
    return facts(expr).output_labels
