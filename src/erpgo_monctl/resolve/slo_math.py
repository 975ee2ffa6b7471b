"""The SLO math: error budgets, burn-rate windows and factors, and the PromQL every SLO rule uses.

Multi-window, multi-burn-rate alerting after the Google SRE Workbook ("Alerting on SLOs"):
an alert condition fires when the error ratio over a long window AND over a short window
both exceed `factor x error budget`. The Workbook's windows are for a 30-day SLO; other SLO
windows scale the windows and keep the factors (as Pyrra does), so a factor is always the
same share of the budget and never below 1. docs/slo.md explains the numbers; this module
is their single source.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Literal

from erpgo_monctl.analysis.promql import parse
from erpgo_monctl.analysis.promql_ast import children, unwrap
from erpgo_monctl.spec.rules import SLO, SLIByEvents, SLIByLatency, SLIByRaw, SLIByTimeSlices
from erpgo_monctl.spec.types import duration_seconds

AlertKind = Literal["page", "ticket"]
SLOAlertKind = Literal["page", "ticket", "no_data"]
SIGNIFICANT_DIGITS = 12
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
    factor: Decimal  # burn rate: 1 spends the budget exactly over the SLO window


# The SRE Workbook's table for a 30-day SLO: 2% of the budget in 1h, 5% in 6h (page), 10% in
# 1d and 10% in 3d (ticket); short windows are 1/12 of the long ones. Other SLO windows scale
# the windows, never the factors (scaled_windows), so a burn below 1x can never alert.
WORKBOOK_PERIOD = "30d"
BURN_WINDOWS = (
    BurnWindow("page", "1h", "5m", Decimal("14.4")),
    BurnWindow("page", "6h", "30m", Decimal("6")),
    BurnWindow("ticket", "1d", "2h", Decimal("3")),
    BurnWindow("ticket", "3d", "6h", Decimal("1")),
)
# A scaled window is rounded to whole minutes and never shorter than this: rate() needs two
# samples in its range, and a 1d SLO's 5m/30 = 10s window would hold none at a 15s scrape.
MIN_WINDOW = "2m"
_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


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


def format_duration(total: int) -> str:
    """Whole seconds as a Prometheus duration: 3600 -> `1h`, 4800 -> `1h20m`, 86400 -> `1d`."""
    parts = []
    for unit, size in _UNITS:
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def scale_window(window: str, period: str) -> str:
    """`window` of the Workbook's 30-day table scaled to an SLO window of `period`.

    Rounded to whole minutes (half up) and at least MIN_WINDOW: a 7d SLO pages over 14m/2m
    where a 30d one uses 1h/5m.
    """
    exact = seconds(window) * seconds(period) / seconds(WORKBOOK_PERIOD)
    minutes = int((exact / 60).to_integral_value(ROUND_HALF_UP))
    return format_duration(max(minutes * 60, int(seconds(MIN_WINDOW))))


@lru_cache(maxsize=256)
def scaled_windows(period: str) -> tuple[BurnWindow, ...]:
    """The Workbook's four conditions for an SLO window of `period`: windows scaled, factors kept."""
    return tuple(
        BurnWindow(w.kind, scale_window(w.long, period), scale_window(w.short, period), w.factor)
        for w in BURN_WINDOWS
    )


def burn_windows(slo: SLO) -> tuple[BurnWindow, ...]:
    """Every burn-rate condition of `slo` (page and ticket, disabled or not).

    An alert's own `windows:` table replaces the scaled Workbook conditions of its kind.
    """
    found: list[BurnWindow] = []
    for kind in ("page", "ticket"):
        custom = getattr(slo.alerting, kind).windows
        if custom is None:
            found += [w for w in scaled_windows(slo.window) if w.kind == kind]
        else:
            found += [BurnWindow(kind, c.long, c.short, Decimal(str(c.factor))) for c in custom]
    return tuple(found)


def total_unit(slo: SLO) -> Literal["rate", "increase"] | None:
    """What the SLI's total measures: events per second (`rate`), events (`increase`), or unknown.

    Needed to count the events of a window for `min_events`.
    """
    if isinstance(slo.sli, SLIByLatency):
        return "rate"
    if isinstance(slo.sli, SLIByTimeSlices):
        return "increase"  # a count of samples
    if isinstance(slo.sli, SLIByRaw):
        return None
    import promql_parser

    tree, _ = parse(slo.sli.events.total.replace("{{window}}", "5m"))
    if tree is None:
        return None
    functions = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, promql_parser.Call) and any(
            isinstance(a, promql_parser.MatrixSelector) for a in node.args
        ):
            functions.add(node.func.name)
        stack.extend(children(node))
    if functions == {"rate"}:
        return "rate"
    if functions == {"increase"}:
        return "increase"
    return None


def window_events_expr(slo: SLO, window: str) -> str:
    """PromQL for the number of events over `window` (`slo:sli_total:increase<window>`)."""
    total = sli_total_expr(slo, window)
    if total_unit(slo) == "increase":
        return total
    return f"({total}) * {int(seconds(window))}"


def min_events_windows(slo: SLO) -> list[str]:
    """Long windows whose event count some alert's `min_events` needs, each once."""
    found: dict[str, None] = {}
    if not counts_events(slo):  # validate refuses min_events here (E417)
        return []
    for w in alert_windows(slo):
        if getattr(slo.alerting, w.kind).min_events is not None:
            found.setdefault(w.long)
    return list(found)


def camel(name: str) -> str:
    """`api-availability` -> `ApiAvailability` (for alert names)."""
    return "".join(part[:1].upper() + part[1:] for part in name.split("-") if part)


def alert_name(slo: SLO, kind: SLOAlertKind) -> str:
    """`<CamelName>ErrorBudgetBurn` for page and ticket (told apart by severity and slo_alert),
    `<CamelName>SLINoData` for the no-data alert; `alerting.<kind>.name` overrides either."""
    settings = getattr(slo.alerting, kind)
    if settings is not None and settings.name:
        return str(settings.name)
    return f"{camel(slo.name)}{'SLINoData' if kind == 'no_data' else 'ErrorBudgetBurn'}"


def short_windows(slo: SLO) -> list[str]:
    """The alert windows of `slo` and the current-burn window, shortest first, each once."""
    found = {seconds(CURRENT_BURN_WINDOW): CURRENT_BURN_WINDOW}
    for w in burn_windows(slo):
        found.setdefault(seconds(w.long), w.long)
        found.setdefault(seconds(w.short), w.short)
    return [found[s] for s in sorted(found)]


def ratio_windows(slo: SLO) -> list[str]:
    """Windows of `slo:sli_error:ratio_rate<w>`: the short windows, then the SLO window (once)."""
    period = seconds(slo.window)
    return [w for w in short_windows(slo) if seconds(w) != period] + [slo.window]


def alert_windows(slo: SLO) -> list[BurnWindow]:
    """The burn-rate conditions of the alerts this SLO does not disable."""
    return [w for w in burn_windows(slo) if not getattr(slo.alerting, w.kind).disable]


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


def aggregate(slo: SLO) -> str:
    """`sum`, or `sum by (route)` for an SLO evaluated per group (`group_by`)."""
    return f"sum by ({', '.join(slo.group_by)}) " if slo.group_by else "sum"


def counts_events(slo: SLO) -> bool:
    """Whether the SLI has bad and total counts (every kind but `raw`, which is a ratio only)."""
    return not isinstance(slo.sli, SLIByRaw)


def sli_errors_expr(slo: SLO, window: str) -> str:
    """PromQL for the bad events of `slo` over `window` (a rate, or whatever unit the SLI uses)."""
    sli = slo.sli
    if isinstance(sli, SLIByEvents):
        return sli.events.errors.strip().replace("{{window}}", window)
    if isinstance(sli, SLIByTimeSlices):  # bad slices: samples minus the sum of the 0/1 values
        good = f"{aggregate(slo)}(sum_over_time({sli.time_slices.selector.strip()}[{window}]))"
        return f"{sli_total_expr(slo, window)} - {good}"
    if isinstance(sli, SLIByRaw):
        raise ValueError("a raw SLI has no bad-event count")
    return f"{sli_total_expr(slo, window)} - {_latency_good(slo, window)}"


def sli_total_expr(slo: SLO, window: str) -> str:
    """PromQL for all events of `slo` over `window` (samples, for time slices)."""
    sli = slo.sli
    if isinstance(sli, SLIByEvents):
        return sli.events.total.strip().replace("{{window}}", window)
    if isinstance(sli, SLIByTimeSlices):
        return f"{aggregate(slo)}(count_over_time({sli.time_slices.selector.strip()}[{window}]))"
    if isinstance(sli, SLIByRaw):
        raise ValueError("a raw SLI has no event count")
    latency = sli.latency
    return f"{aggregate(slo)}(rate({_selector(latency.metric + '_count', latency.selector)}[{window}]))"


def _latency_good(slo: SLO, window: str) -> str:
    assert isinstance(slo.sli, SLIByLatency)
    latency = slo.sli.latency
    bucket = _selector(latency.metric + "_bucket", latency.selector, le_matcher(latency.threshold))
    return f"{aggregate(slo)}(rate({bucket}[{window}]))"


def has_zero_fallback(query: str) -> bool:
    """Whether an events query is `sum(...) or vector(0)`: one series, present with no bad events yet."""
    import promql_parser

    tree, _ = parse(query.replace("{{window}}", "5m"))
    node = unwrap(tree) if tree is not None else None
    if not (
        isinstance(node, promql_parser.BinaryExpr)
        and str(node.op) == "or"
        and (node.modifier is None or node.modifier.matching is None)
    ):
        return False
    lhs, rhs = unwrap(node.lhs), unwrap(node.rhs)
    return (
        isinstance(rhs, promql_parser.Call)
        and rhs.func.name == "vector"
        and isinstance(lhs, promql_parser.AggregateExpr)
        and lhs.modifier is None
    )


def sli_errors_or_zero(slo: SLO, window: str) -> str:
    """The bad events over `window`, zero (with the total's labels) while no bad series exists.

    Without the fallback `rate(x{code=~"5.."}[w])` has no series before the first 5xx, so
    the window ratios and the burn rate would show "No data" for a healthy service.
    """
    errors = sli_errors_expr(slo, window)
    if isinstance(slo.sli, SLIByEvents) and not has_zero_fallback(slo.sli.events.errors):
        return f"({errors}) or (0 * ({sli_total_expr(slo, window)}))"
    return errors


def sli_error_ratio_expr(slo: SLO, window: str) -> str:
    """`slo:sli_error:ratio_rate<window>` for a short window: bad / all over that window."""
    sli = slo.sli
    if isinstance(sli, SLIByEvents):
        return f"({sli_errors_or_zero(slo, window)}) / ({sli_total_expr(slo, window)})"
    if isinstance(sli, SLIByRaw):
        return sli.raw.error_ratio.strip().replace("{{window}}", window)
    if isinstance(sli, SLIByTimeSlices):
        good = f"{aggregate(slo)}(sum_over_time({sli.time_slices.selector.strip()}[{window}]))"
        return f"1 - ({good} / {sli_total_expr(slo, window)})"
    return f"1 - ({_latency_good(slo, window)} / {sli_total_expr(slo, window)})"


def period_error_ratio_expr(slo: SLO) -> str:
    """The SLO-window ratio weighted by events: all bad events / all events, not a mean of ratios.

    Summing the recorded 5m numerator and denominator over the window counts every event
    the same number of times, so one busy hour weighs what its requests weigh.
    """
    sel = slo_matchers(slo)
    if not counts_events(slo):  # a raw ratio: only the mean of the 5m ratios (Sloth's way) is known
        return f"avg_over_time(slo:sli_error:ratio_rate5m{{{sel}}}[{slo.window}])"
    return (
        f"sum_over_time(slo:sli_error:rate5m{{{sel}}}[{slo.window}])\n/\n"
        f"sum_over_time(slo:sli_total:rate5m{{{sel}}}[{slo.window}])"
    )


def event_labels(slo: SLO) -> dict[str, str]:
    """Labels every recorded series and alert of `slo` carries: its own `labels:`, then slo and service."""
    own = {k: v for k, v in sorted(slo.labels.items()) if k not in ("severity", *RESERVED_LABELS)}
    return {**own, "slo": slo.name, "service": slo.service}


_WINDOW_PLACEHOLDER = re.compile(r"\{\{\s*window\s*\}\}")


def placeholder_problem(query: str) -> str | None:
    """Why an events query's `{{window}}` placeholder is missing or misspelled, else None."""
    if "{{window}}" in query:
        return None
    if _WINDOW_PLACEHOLDER.search(query):
        return "write the placeholder as {{window}} without spaces"
    return "has no {{window}} placeholder: write it where the range goes, e.g. rate(x_total[{{window}}])"


def slo_alert_names(slos: Sequence[SLO]) -> set[str]:
    """Names of the SLO alerts (those burn_alerts would build), without building them."""
    return {
        alert_name(slo, kind)
        for slo in slos
        for kind in ("page", "ticket")
        if not getattr(slo.alerting, kind).disable
    } | {alert_name(slo, "no_data") for slo in slos if slo.alerting.no_data is not None}
