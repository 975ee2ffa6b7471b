"""Per SLO, the generated rule group (SLI recordings, budget metadata, burn-rate alerts) and inhibit rule.

One rule group per SLO (`slo-<name>`). Rules run in order within a group, so every rule
only reads series recorded above it in the same evaluation. The math is slo_math's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from erpgo_monctl.resolve.rule_groups import AlertingRule, AlertPolicy, RecordingRule, RuleGroup, frozen
from erpgo_monctl.resolve.slo_alerts import burn_alerts
from erpgo_monctl.resolve.slo_math import (
    CURRENT_BURN_WINDOW,
    BurnWindow,
    SLOAlertKind,
    clean,
    counts_events,
    error_budget,
    event_labels,
    min_events_windows,
    objective_ratio,
    period_error_ratio_expr,
    ratio_windows,
    sli_error_ratio_expr,
    sli_errors_expr,
    sli_total_expr,
    slo_matchers,
    window_events_expr,
)
from erpgo_monctl.spec.rules import SLO, SLIByEvents


@dataclass(frozen=True)
class BurnRateAlert:
    """One of an SLO's two alerts as rendered, with the burn-rate conditions it ORs together."""

    kind: SLOAlertKind
    rule: AlertingRule
    conditions: tuple[tuple[BurnWindow, Decimal], ...]


@dataclass(frozen=True)
class SLORules:
    """What one SLO generates for Prometheus: its rule group, whose alerts are `burn_alerts`
    (page, ticket and no-data, those the SLO has)."""

    slo: SLO
    index: int  # position in the spec's slos:
    group: RuleGroup
    burn_alerts: tuple[BurnRateAlert, ...]


@dataclass(frozen=True)
class InhibitRule:
    source_matchers: tuple[str, ...]
    target_matchers: tuple[str, ...]
    equal: tuple[str, ...]


def _record(name: str, expr: str, labels: dict[str, str]) -> RecordingRule:
    return RecordingRule(name, expr.strip(), frozen(labels))


def slo_rules(slo: SLO, index: int, policy: AlertPolicy) -> SLORules:
    """The rule group of one SLO: recordings first, alerts last."""
    labels = event_labels(slo)
    sel = "{" + slo_matchers(slo) + "}"
    budget = clean(error_budget(slo))
    rules: list[AlertingRule | RecordingRule] = []
    if counts_events(slo):
        # numerator and denominator over 5m: the SLO-window ratio sums these, weighting by events
        errors_5m = sli_errors_expr(slo, "5m")
        total_5m = sli_total_expr(slo, "5m")
        if isinstance(slo.sli, SLIByEvents):  # no bad series yet counts as zero errors (always, as before)
            errors_5m = f"({errors_5m}) or (0 * ({total_5m}))"
        rules += [
            _record("slo:sli_error:rate5m", errors_5m, labels),
            _record("slo:sli_total:rate5m", total_5m, labels),
        ]
    for window in ratio_windows(slo):
        expr = period_error_ratio_expr(slo) if window == slo.window else sli_error_ratio_expr(slo, window)
        rules.append(_record(f"slo:sli_error:ratio_rate{window}", expr, labels))
    for window in min_events_windows(slo):  # event counts for alerting.<kind>.min_events
        rules.append(_record(f"slo:sli_total:increase{window}", window_events_expr(slo, window), labels))
    rules += [
        _record("slo:objective:ratio", f"vector({clean(objective_ratio(slo))})", labels),
        _record("slo:error_budget:ratio", f"vector({budget})", labels),
        _record(
            "slo:period_error_budget_remaining:ratio",
            f"1 - (slo:sli_error:ratio_rate{slo.window}{sel} / {budget})",
            labels,
        ),
        _record(
            "slo:period_burn_rate:ratio", f"slo:sli_error:ratio_rate{slo.window}{sel} / {budget}", labels
        ),
        _record(
            "slo:current_burn_rate:ratio",
            f"slo:sli_error:ratio_rate{CURRENT_BURN_WINDOW}{sel} / {budget}",
            labels,
        ),
    ]
    name = f"slo-{slo.name}"
    alerts = tuple(
        BurnRateAlert(burn.kind, policy.alerting_rule(burn.rule, name, ("slos", index)), burn.conditions)
        for burn in burn_alerts(slo)
    )
    rules += [alert.rule for alert in alerts]
    return SLORules(slo, index, RuleGroup(name, None, tuple(rules)), alerts)


def slo_inhibit_rules(slos: list[SLO] | tuple[SLO, ...]) -> tuple[InhibitRule, ...]:
    """A firing page silences the ticket of the same SLO and service (when some SLO has both)."""
    if not any(not s.alerting.page.disable and not s.alerting.ticket.disable for s in slos):
        return ()
    return (InhibitRule(('slo_alert="page"',), ('slo_alert="ticket"',), ("slo", "service")),)
