"""What labels an alert carries: its static labels, and those its expression's result can keep.

The expression's labels come from `erpgo_monctl.analysis.promql_labels` (shared with lint) as a set, or
None when any label may survive (a bare selector keeps whatever the series have). Checks only
flag a label as missing when the answer is a set without it: certain, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from erpgo_monctl.analysis.promql import facts
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.resolve.slo_math import CURRENT_BURN_WINDOW, event_labels, sli_error_ratio_expr
from erpgo_monctl.spec.rules import SLO

from .context import Context

Labels = frozenset[str] | None  # None: unknown, any label may be present


@dataclass(frozen=True)
class AlertInfo:
    """One alerting rule as Alertmanager will see it, plus what its expression can add."""

    path: PathKey  # where its name is written: alerts[g].rules[r].alert, or slos[s].name when generated
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
    """Every alerting rule of the model: the spec's and the SLO burn-rate alerts."""
    return list(alert_infos(ctx.model))


@lru_cache(maxsize=4)
def alert_infos(model: Model) -> tuple[AlertInfo, ...]:
    """Built once per model: the labels and routing checks both read it."""
    generated = {id(a.rule): rules.slo for rules in model.slo_rules for a in rules.burn_alerts}
    return tuple(
        AlertInfo(
            alert.name_path,
            alert.name,
            alert.severity,
            {**alert.source.labels, "alertname": alert.name, "severity": alert.severity},
            slo_alert_labels(generated[id(alert)])
            if id(alert) in generated
            else expression_labels(alert.expr),
        )
        for alert in model.alerts
    )


def slo_alert_labels(slo: SLO) -> Labels:
    """A burn-rate alert keeps the labels of the recorded SLI ratio: the SLI's own, plus slo and service.

    The alert's expression reads recorded series, whose labels a parse cannot see; the
    recording's expression (the ratio over the current burn window) says what they are.
    """
    recorded = expression_labels(sli_error_ratio_expr(slo, CURRENT_BURN_WINDOW))
    return None if recorded is None else recorded | frozenset(event_labels(slo))


Signature = tuple[tuple[str, str | None], ...]


def signature(labels: dict[str, str], names: tuple[str, ...]) -> Signature:
    """`labels` seen only through `names` (None: absent): alerts alike there route alike."""
    return tuple((name, labels.get(name)) for name in names)


def expression_labels(expr: str) -> Labels:
    """output_labels of an expression text (None when unknown or it does not parse), once per text."""
    return facts(expr).output_labels
