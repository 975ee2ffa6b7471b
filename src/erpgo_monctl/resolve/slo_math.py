"""The SLO math: error budgets, burn-rate windows and factors, and the PromQL every SLO rule uses.

Multi-window, multi-burn-rate alerting after the Google SRE Workbook ("Alerting on SLOs"):
an alert condition fires when the error ratio over a long window AND over a short window
both exceed `factor x error budget`, where `factor = budget fraction spent x SLO window /
long window`. docs/slo.md explains the numbers; this module is their single source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal

from erpgo_monctl.spec.rules import SLO, AlertRule, LatencySLI, SLIByEvents, SLIByLatency, SLOAlert
from erpgo_monctl.spec.types import duration_seconds

AlertKind = Literal["page", "ticket"]
SIGNIFICANT_DIGITS = 12
# Windows every SLO records `slo:sli_error:ratio_rate<window>` for (plus the SLO window itself).
SHORT_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
CURRENT_BURN_WINDOW = "5m"
DEFAULT_SEVERITY: dict[AlertKind, str] = {"page": "critical", "ticket": "warning"}
# Labels monctl sets on every SLO rule; users cannot override them.
RESERVED_LABELS = ("slo", "service", "slo_alert")


@dataclass(frozen=True)
class BurnWindow:
    """One alert condition: error ratio over `long` and `short` both above factor x budget."""

    kind: AlertKind
    long: str
    short: str
    budget_spent: Decimal  # share of the SLO window's budget spent within `long` at the threshold


# The SRE Workbook's table for a 30-day window: 2% of the budget in 1h, 5% in 6h (page),
# 10% in 1d and 10% in 3d (ticket); short windows are 1/12 of the long ones.
BURN_WINDOWS = (
    BurnWindow("page", "1h", "5m", Decimal("0.02")),
    BurnWindow("page", "6h", "30m", Decimal("0.05")),
    BurnWindow("ticket", "1d", "2h", Decimal("0.1")),
    BurnWindow("ticket", "3d", "6h", Decimal("0.1")),
)


@lru_cache(maxsize=1024)
def seconds(duration: str) -> Decimal:
    """Exact seconds of a Prometheus duration."""
    return Decimal(str(duration_seconds(duration)))


def significant(value: Decimal, digits: int = SIGNIFICANT_DIGITS) -> Decimal:
    """`value` rounded to `digits` significant digits, trailing zeros dropped."""
    if value == 0:
        return Decimal(0)
    exponent = value.adjusted() - digits + 1
    return value.quantize(Decimal(1).scaleb(exponent)).normalize()


# The rules and tests renderers ask ~250,000 times for a few thousand numbers. Within one type
# the text depends only on the value (Decimal("1.0") and Decimal(1) both give "1").
@lru_cache(maxsize=65536, typed=True)
def clean(value: Decimal | float | int) -> str:
    """A number as PromQL/YAML text: `0.001`, `14.4`, `1`, never `0.0009999999999999432`."""
    number = significant(Decimal(str(value)))
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def error_budget(slo: SLO) -> Decimal:
    """The allowed error ratio: 1 - objective (99.9% -> 0.001)."""
    return (Decimal(100) - Decimal(str(slo.objective))) / Decimal(100)


def objective_ratio(slo: SLO) -> Decimal:
    return Decimal(str(slo.objective)) / Decimal(100)


def burn_factor(window: BurnWindow, period: str) -> Decimal:
    """Burn rate at which `window.budget_spent` of the period's budget goes within `window.long`."""
    return significant(window.budget_spent * seconds(period) / seconds(window.long))


def camel(name: str) -> str:
    """`api-availability` -> `ApiAvailability` (for alert names)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)


def alert_name(slo: SLO, kind: AlertKind) -> str:
    """`<CamelName>ErrorBudgetBurn`: one name for page and ticket, told apart by severity and slo_alert."""
    override = getattr(slo.alerting, kind).name
    return override or f"{camel(slo.name)}ErrorBudgetBurn"


def ratio_windows(slo: SLO) -> list[str]:
    """Windows of `slo:sli_error:ratio_rate<w>`: the short windows, then the SLO window (once)."""
    period = seconds(slo.window)
    return [w for w in SHORT_WINDOWS if seconds(w) != period] + [slo.window]


def alert_windows(slo: SLO) -> list[BurnWindow]:
    """The burn-rate conditions of the alerts this SLO does not disable."""
    return [w for w in BURN_WINDOWS if not getattr(slo.alerting, w.kind).disable]


def promql_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def slo_matchers(slo: SLO) -> str:
    """`slo="...", service="..."`: selects this SLO's recorded series."""
    return f"slo={promql_string(slo.name)}, service={promql_string(slo.service)}"


def le_matcher(threshold: float) -> str:
    """The `le` matcher of a latency threshold, in both spellings Prometheus stores.

    client_golang's text format writes the bound 2 as `le="2"`; OpenMetrics scrapes and
    Prometheus 3 (which normalises `le` on ingestion) store `le="2.0"`. An integral
    threshold therefore matches either; other bounds have one spelling (`0.25`).
    """
    text = clean(threshold)
    if "." in text or "e" in text.lower():
        return f"le={promql_string(text)}"
    return f'le=~"{text}|{text}\\\\.0"'


def _selector(metric: str, *matchers: str) -> str:
    inner = ", ".join(m for m in matchers if m.strip())
    return f"{metric}{{{inner}}}"


def sli_errors_expr(slo: SLO, window: str) -> str:
    """PromQL for the bad events of `slo` over `window` (a rate, or whatever unit the SLI uses)."""
    if isinstance(slo.sli, SLIByEvents):
        return slo.sli.events.errors.strip().replace("{{window}}", window)
    return f"{sli_total_expr(slo, window)} - {_latency_good(slo.sli.latency, window)}"


def sli_total_expr(slo: SLO, window: str) -> str:
    """PromQL for all events of `slo` over `window`."""
    if isinstance(slo.sli, SLIByEvents):
        return slo.sli.events.total.strip().replace("{{window}}", window)
    latency = slo.sli.latency
    return f"sum(rate({_selector(latency.metric + '_count', latency.selector)}[{window}]))"


def _latency_good(latency: LatencySLI, window: str) -> str:
    bucket = _selector(latency.metric + "_bucket", latency.selector, le_matcher(latency.threshold))
    return f"sum(rate({bucket}[{window}]))"


def sli_error_ratio_expr(slo: SLO, window: str) -> str:
    """`slo:sli_error:ratio_rate<window>` for a short window: bad / all over that window."""
    if isinstance(slo.sli, SLIByEvents):
        return f"({sli_errors_expr(slo, window)}) / ({sli_total_expr(slo, window)})"
    return f"1 - ({_latency_good(slo.sli.latency, window)} / {sli_total_expr(slo, window)})"


def period_error_ratio_expr(slo: SLO) -> str:
    """The SLO-window ratio weighted by events: all bad events / all events, not a mean of ratios.

    Summing the recorded 5m numerator and denominator over the window counts every event
    the same number of times, so one busy hour weighs what its requests weigh.
    """
    sel = slo_matchers(slo)
    return (
        f"sum_over_time(slo:sli_error:rate5m{{{sel}}}[{slo.window}])\n/\n"
        f"sum_over_time(slo:sli_total:rate5m{{{sel}}}[{slo.window}])"
    )


@dataclass(frozen=True)
class BurnAlert:
    """One of an SLO's two alerts with the conditions it ORs together."""

    kind: AlertKind
    rule: AlertRule
    conditions: tuple[tuple[BurnWindow, Decimal], ...]


def burn_alert_expr(slo: SLO, conditions: tuple[tuple[BurnWindow, Decimal], ...]) -> str:
    sel = slo_matchers(slo)
    budget = clean(error_budget(slo))
    parts = []
    for window, factor in conditions:
        threshold = f"({clean(factor)} * {budget})"
        parts.append(
            f"(\n  slo:sli_error:ratio_rate{window.long}{{{sel}}} > {threshold}\nand\n"
            f"  slo:sli_error:ratio_rate{window.short}{{{sel}}} > {threshold}\n)"
        )
    return "\nor\n".join(parts)


def _human(duration_s: Decimal) -> str:
    hours = duration_s / 3600
    if hours >= 48:
        return f"{clean(round(hours / 24, 1))} days"
    return f"{clean(round(hours, 1))} hours"


def _default_text(
    slo: SLO, kind: AlertKind, conditions: tuple[tuple[BurnWindow, Decimal], ...]
) -> tuple[str, str]:
    speed = "fast" if kind == "page" else "steadily"
    summary = f"SLO {slo.name} of {slo.service} is burning its error budget {speed}"
    clauses = [f"above {clean(f)}x the budget over {w.long} and {w.short}" for w, f in conditions]
    fastest = max(f for _, f in conditions)
    what = (
        f"requests answered within {clean(slo.sli.latency.threshold)}s"
        if isinstance(slo.sli, SLIByLatency)
        else "good events"
    )
    lasts = _human(seconds(slo.window) / fastest) if fastest else "no time"
    description = (
        f"Objective: {clean(slo.objective)}% {what} over {slo.window} "
        f"(error budget {clean(error_budget(slo))}). The error ratio is {', or '.join(clauses)}. "
        f"At {clean(fastest)}x the {slo.window} budget lasts {lasts}."
    )
    if slo.description:
        description += "\n" + slo.description.strip()
    return summary, description


def burn_alerts(slo: SLO) -> list[BurnAlert]:
    """The page and ticket alerts of `slo` (those not disabled), as ordinary alert rules."""
    alerts = []
    for kind in ("page", "ticket"):
        settings: SLOAlert = getattr(slo.alerting, kind)
        conditions = tuple((w, burn_factor(w, slo.window)) for w in BURN_WINDOWS if w.kind == kind)
        if settings.disable:
            continue
        summary, description = _default_text(slo, kind, conditions)
        annotations = dict(settings.annotations)
        labels = {k: v for k, v in settings.labels.items() if k not in ("severity", *RESERVED_LABELS)}
        labels.update({"slo": slo.name, "service": slo.service, "slo_alert": kind})
        rule = AlertRule(
            alert=alert_name(slo, kind),
            expr=burn_alert_expr(slo, conditions),
            severity=settings.severity or DEFAULT_SEVERITY[kind],
            summary=annotations.pop("summary", summary),
            description=annotations.pop("description", description),
            runbook_url=annotations.pop("runbook_url", None),
            labels=labels,
            annotations=annotations,
        )
        alerts.append(BurnAlert(kind, rule, conditions))
    return alerts


def event_labels(slo: SLO) -> dict[str, str]:
    """Labels every recorded series and alert of `slo` carries."""
    return {"slo": slo.name, "service": slo.service}


_WINDOW_PLACEHOLDER = re.compile(r"\{\{\s*window\s*\}\}")


def placeholder_problem(query: str) -> str | None:
    """Why an events query's `{{window}}` placeholder is missing or misspelled, else None."""
    if "{{window}}" in query:
        return None
    if _WINDOW_PLACEHOLDER.search(query):
        return "write the placeholder as {{window}} without spaces"
    return "has no {{window}} placeholder: write it where the range goes, e.g. rate(x_total[{{window}}])"


def slo_alert_names(slos: Sequence[SLO]) -> set[str]:
    """Names of the SLO burn-rate alerts (those burn_alerts would build), without building them."""
    return {
        alert_name(slo, kind)
        for slo in slos
        for kind in ("page", "ticket")
        if not getattr(slo.alerting, kind).disable
    }
