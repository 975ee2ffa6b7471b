"""The alerts of one SLO as ordinary alert rules: the page, the ticket and the optional no-data alert.

The page and ticket OR their burn-rate conditions (slo_math.burn_windows: the Workbook's,
scaled, or the SLO's own table); `min_events` adds an event count to each condition so a
quiet hour with a handful of requests cannot page (the Workbook's low-traffic limit).
The no-data alert fires when the SLI's total has had no series for a while.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from erpgo_monctl.resolve.slo_math import (
    DEFAULT_SEVERITY,
    RESERVED_LABELS,
    AlertKind,
    BurnWindow,
    SLOAlertKind,
    alert_name,
    burn_windows,
    clean,
    counts_events,
    error_budget,
    event_labels,
    seconds,
    slo_matchers,
)
from erpgo_monctl.spec.rules import SLO, AlertRule, SLIByLatency, SLIByTimeSlices, SLOAlert

Conditions = tuple[tuple[BurnWindow, Decimal], ...]


@dataclass(frozen=True)
class BurnAlert:
    """One of an SLO's alerts with the burn-rate conditions it ORs together (none for no_data)."""

    kind: SLOAlertKind
    rule: AlertRule
    conditions: Conditions


def burn_alert_expr(slo: SLO, conditions: Conditions, min_events: int | None = None) -> str:
    sel = slo_matchers(slo)
    budget = clean(error_budget(slo))
    parts = []
    for window, factor in conditions:
        threshold = f"({clean(factor)} * {budget})"
        volume = (
            f"\nand\n  slo:sli_total:increase{window.long}{{{sel}}} >= {min_events}"
            if min_events is not None
            else ""
        )
        parts.append(
            f"(\n  slo:sli_error:ratio_rate{window.long}{{{sel}}} > {threshold}\nand\n"
            f"  slo:sli_error:ratio_rate{window.short}{{{sel}}} > {threshold}{volume}\n)"
        )
    return "\nor\n".join(parts)


def _human(duration_s: Decimal) -> str:
    hours = duration_s / 3600
    if hours >= 48:
        return f"{clean(round(hours / 24, 1))} days"
    return f"{clean(round(hours, 1))} hours"


def _what(slo: SLO) -> str:
    if isinstance(slo.sli, SLIByLatency):
        return f"requests answered within {clean(slo.sli.latency.threshold)}s"
    if isinstance(slo.sli, SLIByTimeSlices):
        return f"good samples of {slo.sli.time_slices.selector.strip()}"
    return "good events"


def _default_text(
    slo: SLO, kind: AlertKind, conditions: Conditions, min_events: int | None
) -> tuple[str, str]:
    speed = "fast" if kind == "page" else "steadily"
    summary = f"SLO {slo.name} of {slo.service} is burning its error budget {speed}"
    clauses = [f"above {clean(f)}x the budget over {w.long} and {w.short}" for w, f in conditions]
    fastest = max(f for _, f in conditions)
    lasts = _human(seconds(slo.window) / fastest) if fastest else "no time"
    volume = f" with at least {min_events} events in the long window" if min_events is not None else ""
    description = (
        f"Objective: {clean(slo.objective)}% {_what(slo)} over {slo.window} "
        f"(error budget {clean(error_budget(slo))}). The error ratio is {', or '.join(clauses)}{volume}. "
        f"At {clean(fastest)}x the {slo.window} budget lasts {lasts}."
    )
    if slo.description:
        description += "\n" + slo.description.strip()
    return summary, description


def _labels(slo: SLO, own: dict[str, str], kind: SLOAlertKind) -> dict[str, str]:
    labels = {k: v for k, v in event_labels(slo).items() if k not in ("slo", "service")}
    labels.update({k: v for k, v in own.items() if k not in ("severity", *RESERVED_LABELS)})
    labels.update({"slo": slo.name, "service": slo.service, "slo_alert": kind})
    return labels


def no_data_alert(slo: SLO) -> BurnAlert | None:
    """`absent()` of the recorded total for `alerting.no_data.for`; None unless asked for."""
    settings = slo.alerting.no_data
    if settings is None:
        return None
    annotations = dict(settings.annotations)
    summary = f"SLO {slo.name} of {slo.service} has no data"
    description = (
        f"The total of the SLI of {slo.name} ({_what(slo)}) has had no series for {settings.for_}: "
        "the error budget and its alerts cannot see anything. Check the scrape job and the metric names."
    )
    rule = AlertRule(
        alert=alert_name(slo, "no_data"),
        expr=f"absent({'slo:sli_total:rate5m' if counts_events(slo) else 'slo:sli_error:ratio_rate5m'}"
        f"{{{slo_matchers(slo)}}})",
        for_=settings.for_,
        severity=settings.severity or "warning",
        summary=annotations.pop("summary", summary),
        description=annotations.pop("description", description),
        runbook_url=annotations.pop("runbook_url", None),
        labels=_labels(slo, dict(settings.labels), "no_data"),
        annotations=annotations,
    )
    return BurnAlert("no_data", rule, ())


def burn_alerts(slo: SLO) -> list[BurnAlert]:
    """The page and ticket alerts of `slo` (those not disabled), then the no-data alert if any."""
    alerts = []
    for kind in ("page", "ticket"):
        settings: SLOAlert = getattr(slo.alerting, kind)
        conditions = tuple((w, w.factor) for w in burn_windows(slo) if w.kind == kind)
        if settings.disable:
            continue
        volume = settings.min_events if counts_events(slo) else None  # else E417
        summary, description = _default_text(slo, kind, conditions, volume)
        annotations = dict(settings.annotations)
        rule = AlertRule(
            alert=alert_name(slo, kind),
            expr=burn_alert_expr(slo, conditions, volume),
            severity=settings.severity or DEFAULT_SEVERITY[kind],
            summary=annotations.pop("summary", summary),
            description=annotations.pop("description", description),
            runbook_url=annotations.pop("runbook_url", None),
            labels=_labels(slo, dict(settings.labels), kind),
            annotations=annotations,
        )
        alerts.append(BurnAlert(kind, rule, conditions))
    missing = no_data_alert(slo)
    return alerts + ([missing] if missing is not None else [])
