"""What labels an alert carries: its static labels, and those its expression's result can keep.

The expression's labels come from `erpgo_monctl.analysis.promql_labels` (shared with lint) as a set, or
None when any label may survive (a bare selector keeps whatever the series have). Checks only
flag a label as missing when the answer is a set without it: certain, not guessed.

Relabelling counts too (resolve/relabel.py): when every selector of the expression names its
`job`, a label every one of those jobs drops from its series (metric_relabel_configs labeldrop
or labelkeep) is certainly absent, and a label every one of them sets to one value (a static
target label, a literal `replace`) is on the alert when the expression keeps it, so routes and
inhibit rules can rely on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from erpgo_monctl.analysis.promql import facts
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model, ScrapeJob
from erpgo_monctl.resolve.relabel import UNKNOWN, LabelFate, combined
from erpgo_monctl.resolve.rule_groups import RecordingRule
from erpgo_monctl.resolve.slo_math import CURRENT_BURN_WINDOW, event_labels, sli_error_ratio_expr
from erpgo_monctl.spec.rules import SLO

from .context import Context

Labels = frozenset[str] | None  # None: unknown, any label may be present
# functions whose result's labels do not come from the series' own (absent() takes the matchers')
_LABELS_NOT_FROM_SERIES = re.compile(r"\b(?:absent|absent_over_time|label_replace|label_join|vector)\s*\(")


@dataclass(frozen=True)
class AlertInfo:
    """One alerting rule as Alertmanager will see it, plus what its expression can add."""

    path: PathKey  # where its name is written: alerts[g].rules[r].alert, or slos[s].name when generated
    name: str
    severity: str
    labels: dict[str, str]  # alertname, severity, the rule's static labels, labels relabelling sets
    expression_labels: Labels  # labels the expression's result can carry (None: unknown)
    jobs: tuple[ScrapeJob, ...] | None = None  # the scrape jobs whose series it reads (None: unknown)

    def relabel_fate(self, label: str) -> LabelFate:
        """What relabelling makes certain of `label` on every series the expression reads."""
        if self.jobs is None:
            return UNKNOWN
        return combined([job.label_fate(label) for job in self.jobs])

    def may_have(self, label: str) -> bool:
        """False only when the label is certainly absent from every alert instance."""
        if label in self.labels:
            return True
        if self.relabel_fate(label).state == "absent":
            return False
        return self.expression_labels is None or label in self.expression_labels

    def absence(self, label: str) -> str:
        """Why `label` is never on this alert (for a message; call when may_have is False)."""
        fate = self.relabel_fate(label)
        if fate.state == "absent":
            return f"not a static label, and relabelling drops it from the series: {fate.because}"
        return "not a static label, and their expression aggregates it away"

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
    found = []
    for alert in model.alerts:
        labels = {**alert.source.labels, "alertname": alert.name, "severity": alert.severity}
        if id(alert) in generated:
            found.append(
                AlertInfo(
                    alert.name_path,
                    alert.name,
                    alert.severity,
                    labels,
                    slo_alert_labels(generated[id(alert)]),
                )
            )
            continue
        kept = expression_labels(alert.expr)
        info = AlertInfo(
            alert.name_path, alert.name, alert.severity, labels, kept, read_jobs(model, alert.expr)
        )
        for name in sorted({n for job in info.jobs or () for n in job.certain_label_names()} - set(labels)):
            fate = info.relabel_fate(name)
            if fate.state == "set" and fate.value is not None and (kept is None or name in kept):
                labels[name] = fate.value  # on every alert instance: routes may match on it
        found.append(info)
    return tuple(found)


def read_jobs(model: Model, expr: str) -> tuple[ScrapeJob, ...] | None:
    """The scrape jobs whose series `expr` reads, when certain: every selector says job="x" of a spec job.

    Unknown (None) when a selector names no job or a job the spec does not scrape, when it reads a
    recorded series (whose labels its recording rule decides), or when a function builds labels
    of its own (absent, label_replace ...).
    """
    found = facts(expr)
    if found.selector_jobs is None or _LABELS_NOT_FROM_SERIES.search(expr):
        return None
    records = {
        r.record for group in model.recording_groups for r in group.rules if isinstance(r, RecordingRule)
    }
    if records & set(found.metric_names):
        return None
    by_name = {job.name: job for job in model.scrape_jobs}
    if not found.selector_jobs <= set(by_name):
        return None
    return tuple(by_name[name] for name in sorted(found.selector_jobs))


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
