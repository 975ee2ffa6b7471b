"""SLOs whose numbers cannot work, and alert tests that cannot run: caught before anything renders.

Pydantic proves an SLO has the right shape; this proves it measures something (the
`{{window}}` placeholder, a real histogram bucket), that its alert windows fit in its
window, and that the spec's `tests:` name alerts that exist with series promtool can read.
"""

from __future__ import annotations

import difflib
import math
import re

from erpgo_monctl.analysis.promql import parse
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.slo_inputs import Unsupported, parse_events_query
from erpgo_monctl.resolve.slo_math import (
    RESERVED_LABELS,
    alert_name,
    alert_windows,
    burn_windows,
    clean,
    error_budget,
    placeholder_problem,
    seconds,
    slo_alert_names,
    total_unit,
)
from erpgo_monctl.spec.rules import (
    SLO,
    EventsSLI,
    LatencySLI,
    RawSLI,
    SLIByEvents,
    SLIByLatency,
    SLIByRaw,
    TimeSliceSLI,
)

from .context import Context

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:Inf|inf|NaN|nan)"
# promtool's expanding notation (measured against promtool 2.42): `_` (a gap, `_x3` three), `stale`
# (never repeated), `a`, `axN`, `a+bxN`, `a-bxN`; Inf and NaN stand alone or start `a+bxN`, never
# right before `x` (`Infx3` is an identifier to promtool), and a step always has its `xN`.
_NUMERIC = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_STEP = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_VALUE_TOKEN = re.compile(
    rf"_(?:x\d+)?|stale|(?:{_NUMBER})|(?:{_NUMERIC})x\d+|(?:{_NUMBER})[-+](?:{_STEP})x\d+"
)
_FINITE_OR_NAMED = re.compile(r"[-+]?(?:Inf|inf|NaN|nan)")
MAX_TEST_SAMPLES = 1_000_000  # per input series: promtool holds them all (1e8 samples: 7.6 GB, 12 s)


def values_problem(values: str) -> str | None:
    """Why promtool refuses (or chokes on) an input series' `values`, or None.

    The notation is checked token by token; each number must fit a 64-bit float
    (promtool parses with strconv.ParseFloat: `1e400` is "value out of range"), and the
    expansion is bounded, since promtool materialises every sample in memory.
    """
    samples = 0
    for token in values.split():
        if not _VALUE_TOKEN.fullmatch(token):
            return (
                f"{token!r} is not promtool's expanding notation "
                "(e.g. '0+60x30' grows by 60 for 30 steps, '1x10' repeats, '_' is a gap, 'stale' once)"
            )
        body, _, times = token.partition("x")
        for number in re.findall(_NUMBER, body):
            if not _FINITE_OR_NAMED.fullmatch(number) and math.isinf(float(number)):
                return (
                    f"{token!r}: {number} is out of range for a 64-bit float (promtool refuses it): "
                    "write a smaller number, or Inf"
                )
        samples += int(times) + 1 if times else 1
    if samples > MAX_TEST_SAMPLES:
        return (
            f"expands to {samples:,} samples (limit {MAX_TEST_SAMPLES:,} per series; promtool "
            "holds every one in memory): test a shorter span or use a longer `interval`"
        )
    return None


def _check_events(ctx: Context, s: int, events: EventsSLI) -> list[Diagnostic]:
    found = []
    for key in ("errors", "total"):
        problem = placeholder_problem(getattr(events, key))
        if problem:
            found.append(ctx.diag(("slos", s, "sli", "events", key), "E401", f"the {key} query {problem}"))
    if " ".join(events.errors.split()) == " ".join(events.total.split()):
        found.append(
            ctx.diag(
                ("slos", s, "sli", "events", "errors"),
                "E402",
                "errors and total are the same query, so the error ratio is always 1: "
                'select only the bad events in errors (e.g. add status_code=~"5..")',
            )
        )
    return found


def selector_problem(metric: str, selector: str) -> str | None:
    """Why `selector` is not exactly a list of matchers inside `metric{...}`, or None.

    The selector is spliced into generated rules; text that closes the braces (`job="x"} or
    vector(1) #`) or comments out the rest (`job="x"} # x`) must not parse as something else.
    The parser decides: `metric_count{SELECTOR} + 1` must stay that sum of a selector and 1.
    """
    import promql_parser

    _, problem = parse(f"{metric}_count{{{selector}}}")
    if problem:
        return problem
    tree, problem = parse(f"{metric}_count{{{selector}}} + 1")
    if problem:
        return problem
    if (
        "\n" in selector
        or not isinstance(tree, promql_parser.BinaryExpr)
        or str(tree.op) != "+"
        or not isinstance(tree.lhs, promql_parser.VectorSelector)
        or not isinstance(tree.rhs, promql_parser.NumberLiteral)
    ):
        return "it closes the braces, comments out the rest or spans lines; write only matchers"
    return None


def _check_grouping(ctx: Context, s: int, slo: SLO) -> list[Diagnostic]:
    """E419: `group_by` is what the generated latency and time-slice queries aggregate by; an
    events SLI's own queries must aggregate by the same labels, a raw ratio is used as written."""
    if not slo.group_by or not isinstance(slo.sli, (SLIByEvents, SLIByRaw)):
        return []
    wanted = ", ".join(slo.group_by)
    if isinstance(slo.sli, SLIByRaw):
        message = f"group_by does nothing for a raw SLI: write sum by ({wanted}) (...) in error_ratio itself"
        return [ctx.diag(("slos", s, "group_by"), "E419", message)]
    found = []
    for key in ("errors", "total"):
        try:
            _, by = parse_events_query(getattr(slo.sli.events, key))
        except Unsupported:
            continue  # another shape: its labels cannot be read here
        if set(by) != set(slo.group_by):
            message = (
                f"the {key} query aggregates by ({', '.join(by)}), not by the group_by labels ({wanted}): "
                f"write sum by ({wanted}) (...) in both queries"
            )
            found.append(ctx.diag(("slos", s, "group_by"), "E419", message))
            break
    return found


def _check_raw(ctx: Context, s: int, raw: RawSLI) -> list[Diagnostic]:
    problem = placeholder_problem(raw.error_ratio)
    if problem:
        return [
            ctx.diag(("slos", s, "sli", "raw", "error_ratio"), "E401", f"the error_ratio query {problem}")
        ]
    return []


def _check_time_slices(ctx: Context, s: int, slices: TimeSliceSLI) -> list[Diagnostic]:
    """E418: the selector goes inside count_over_time(...[w]): it must be a plain series selector."""
    import promql_parser

    node, problem = parse(slices.selector)
    if node is not None and not (
        isinstance(node, promql_parser.VectorSelector) and node.offset is None and node.at is None
    ):
        problem = "it is an expression, not a series selector"
    if problem is None:
        return []
    message = f'is not a series selector of a 0/1 gauge (e.g. up{{job="api"}}): {problem}'
    return [ctx.diag(("slos", s, "sli", "time_slices", "selector"), "E418", message)]


def _check_latency(ctx: Context, s: int, latency: LatencySLI) -> list[Diagnostic]:
    path = ("slos", s, "sli", "latency")
    found = []
    problem = selector_problem(latency.metric, latency.selector)
    if problem:
        message = f'is not a list of label matchers (e.g. job="orders-api"): {problem}'
        found.append(ctx.diag((*path, "selector"), "E409", message))
    catalog = ctx.model.metrics_by_name
    if not catalog:
        return found + _check_latency_name(ctx, s, latency)
    metric = catalog.get(latency.metric)
    if metric is None or metric.type != "histogram":
        base = re.sub(r"_(bucket|count|sum)$", "", latency.metric)
        hint = (
            f"give the base name {base!r}, without _bucket/_count/_sum"
            if base != latency.metric and base in catalog
            else "declare it under metrics: with type: histogram"
        )
        what = "is not in the metrics catalog" if metric is None else f"is a {metric.type}, not a histogram"
        found.append(ctx.diag((*path, "metric"), "E404", f"{latency.metric!r} {what}: {hint}"))
    elif metric.buckets is not None and latency.threshold not in metric.buckets:
        bounds = ", ".join(clean(b) for b in metric.buckets)
        found.append(
            ctx.diag(
                (*path, "threshold"),
                "E403",
                f"{clean(latency.threshold)}s is not a bucket of {metric.name} ({bounds}): "
                "requests cannot be counted against it; use a declared bucket or add it to buckets",
            )
        )
    return found


# What a metric's name alone says it is not: a histogram's series, or a counter/info/timestamp.
_NOT_A_HISTOGRAM = {
    "_bucket": "a histogram's bucket series",
    "_count": "a histogram's count series",
    "_sum": "a histogram's sum series",
    "_total": "a counter (OpenMetrics names counters *_total)",
    "_created": "a counter's creation timestamp",
    "_info": "an info metric",
}


def _check_latency_name(ctx: Context, s: int, latency: LatencySLI) -> list[Diagnostic]:
    """E404 without a `metrics:` catalog: only the name can be checked.

    A catalog says a metric is a histogram and which buckets it has (E403). Without one,
    the name still gives away what cannot be a histogram's base name; a plain name such as
    `http_request_seconds` is accepted unchecked, since only a running Prometheus knows it.
    """
    for suffix, what in _NOT_A_HISTOGRAM.items():
        if latency.metric.endswith(suffix) and len(latency.metric) > len(suffix):
            base = latency.metric.removesuffix(suffix)
            hint = (
                f"give the base name {base!r}, without {suffix}"
                if suffix in ("_bucket", "_count", "_sum")
                else "give the base name of a histogram (its series are <name>_bucket, _count, _sum)"
            )
            message = f"{latency.metric!r} is named like {what}, not a histogram: {hint}"
            return [ctx.diag(("slos", s, "sli", "latency", "metric"), "E404", message)]
    return []


def _check_labels(ctx: Context, path: PathKey, labels: dict[str, str], severity: str) -> list[Diagnostic]:
    """E410: `severity`, `slo`, `service` and `slo_alert` are monctl's on every SLO rule."""
    found = []
    for label in labels:
        if label == "severity" or label in RESERVED_LABELS:
            fix = f"write {severity}" if label == "severity" else "monctl sets it on every SLO rule"
            found.append(
                ctx.diag((*path, label), "E410", f"label {label!r} cannot be set here: {fix}", key=True)
            )
    return found


def _check_policy(ctx: Context, s: int, slo: SLO, kind: str) -> list[Diagnostic]:
    """A custom window table (E415, W416) and min_events (E417) of the page or ticket."""
    settings = getattr(slo.alerting, kind)
    path = ("slos", s, "alerting", kind)
    found = []
    for i, condition in enumerate(settings.windows or []):
        if seconds(condition.short) >= seconds(condition.long):
            found.append(
                ctx.diag(
                    (*path, "windows", i, "short"),
                    "E415",
                    f"the short window {condition.short} is not shorter than the long window "
                    f"{condition.long}: the short window makes the alert reset quickly; the Workbook uses "
                    "long / 12",
                )
            )
        if condition.factor < 1:
            found.append(
                ctx.diag(
                    (*path, "windows", i, "factor"),
                    "W416",
                    f"factor {clean(condition.factor)} is below 1: a steady burn that still meets the "
                    f"objective over {slo.window} would alert; use 1 or more",
                    "warning",
                )
            )
    if settings.min_events is not None and total_unit(slo) is None:
        found.append(
            ctx.diag(
                (*path, "min_events"),
                "E417",
                "min_events needs to count events: a raw SLI has no count; write the total query as "
                "sum(rate(...[{{window}}])) or sum(increase(...[{{window}}])) (both are understood)"
                if isinstance(slo.sli, SLIByRaw)
                else "min_events needs to count events: write the total query as sum(rate(...[{{window}}])) "
                "or sum(increase(...[{{window}}])) (both are understood)",
            )
        )
    return found


def _check_alerting(ctx: Context, s: int, slo: SLO, alert_names: set[str]) -> list[Diagnostic]:
    found = []
    windows = alert_windows(slo)
    if windows:
        longest = max(windows, key=lambda w: seconds(w.long))
        if seconds(slo.window) < seconds(longest.long):
            found.append(
                ctx.diag(
                    ("slos", s, "window"),
                    "E405",
                    f"the SLO window {slo.window} is shorter than the {longest.long} window of the "
                    f"{longest.kind} alert: use a window of at least {longest.long} or set "
                    f"alerting.{longest.kind}.disable: true",
                )
            )
    declared = ctx.model.severities
    budget = error_budget(slo)
    found += _check_labels(
        ctx, ("slos", s, "labels"), slo.labels, "alerting.page.severity and alerting.ticket.severity"
    )
    for kind in ("page", "ticket", "no_data"):
        settings = getattr(slo.alerting, kind)
        path = ("slos", s, "alerting", kind)
        if settings is None or getattr(settings, "disable", False):
            continue
        if kind != "no_data":
            found += _check_policy(ctx, s, slo, kind)
        name = alert_name(slo, kind)
        if name in alert_names:
            found.append(
                ctx.diag(
                    (*path, "name") if settings.name else ("slos", s, "name"),
                    "E407",
                    f"the {kind} alert {name!r} has the name of an alert in alerts:; "
                    f"set alerting.{kind}.name to another name",
                )
            )
        if settings.severity and settings.severity not in declared:
            found.append(
                ctx.diag(
                    (*path, "severity"),
                    "E408",
                    f"severity {settings.severity!r} is not declared; "
                    f"use one of {', '.join(declared)} (incidents.severities)",
                )
            )
        found += _check_labels(ctx, (*path, "labels"), settings.labels, f"alerting.{kind}.severity")
        if kind == "no_data":
            continue
        for window in (w for w in burn_windows(slo) if w.kind == kind):
            factor = window.factor
            if factor * budget >= 1:
                found.append(
                    ctx.diag(
                        ("slos", s, "objective"),
                        "W411",
                        f"the {kind} condition {factor}x over {window.long} and {window.short} needs an "
                        f"error ratio of {clean(factor * budget)}, above 100%: it can never fire at "
                        f"objective {clean(slo.objective)}%",
                        "warning",
                    )
                )
    return found


def _check_generated_tests(ctx: Context, s: int) -> list[Diagnostic]:
    """The SLO's test plan (made in resolve): none at all is W412, each scenario left out I413."""
    plan = ctx.model.slo_test_plans[s]
    notes = plan.notes
    if not plan.feasible:
        return [
            ctx.diag(
                ("slos", s, "sli"),
                "W412",
                f"no unit tests can be generated for this SLO ({notes[0]}); "
                "write tests: for its alerts by hand",
                "warning",
            )
        ]
    return [
        ctx.diag(("slos", s, "name"), "I413", f"generated unit test left out: {note}", "info")
        for note in notes
    ]


def check_slos(ctx: Context) -> list[Diagnostic]:
    spec = ctx.model.spec
    found: list[Diagnostic] = []
    alert_names = {rule.alert for group in spec.alerts for rule in group.rules}
    retention = seconds(spec.prometheus.retention)
    for s, slo in enumerate(spec.slos):  # duplicate SLO names: checks/duplicates.py (E406)
        sli = slo.sli
        if isinstance(sli, SLIByEvents):
            own = _check_events(ctx, s, sli.events)
        elif isinstance(sli, SLIByLatency):
            own = _check_latency(ctx, s, sli.latency)
        elif isinstance(sli, SLIByRaw):
            own = _check_raw(ctx, s, sli.raw)
        else:
            own = _check_time_slices(ctx, s, sli.time_slices)
        own += _check_grouping(ctx, s, slo)
        own += _check_alerting(ctx, s, slo, alert_names)
        if seconds(slo.window) > retention:
            own.append(
                ctx.diag(
                    ("slos", s, "window"),
                    "W414",
                    f"prometheus.retention {spec.prometheus.retention} is shorter than the SLO window "
                    f"{slo.window}: the budget would be computed over the retained part only",
                    "warning",
                )
            )
        if not any(d.severity == "error" for d in own):
            own += _check_generated_tests(ctx, s)
        found += own
    return found


def _series_problem(series: str) -> str | None:
    import promql_parser

    node, problem = parse(series)
    if node is None:
        return f"does not parse: {problem}"
    if not isinstance(node, promql_parser.VectorSelector) or node.offset is not None or node.at is not None:
        return 'is not a series (write metric{label="value", ...})'
    if not node.name or any(str(m.op) != "MatchOp.Equal" for m in node.matchers.matchers):
        return 'needs a metric name and only label="value" pairs'
    return None


def check_tests(ctx: Context) -> list[Diagnostic]:
    """The spec's alert tests name alerts that exist, with series and values promtool reads."""
    spec = ctx.model.spec
    known = {rule.alert for group in spec.alerts for rule in group.rules} | slo_alert_names(spec.slos)
    found: list[Diagnostic] = []
    seen: set[str] = set()
    for t, test in enumerate(spec.tests):
        if test.name in seen:
            found.append(
                ctx.diag(
                    ("tests", t, "name"),
                    "E423",
                    f"duplicate test name {test.name!r}: each test becomes tests/<name>_test.yml",
                )
            )
        seen.add(test.name)
        for i, series in enumerate(test.input_series):
            problem = _series_problem(series.series)
            if problem:
                found.append(
                    ctx.diag(
                        ("tests", t, "input_series", i, "series"), "E421", f"{series.series!r} {problem}"
                    )
                )
            problem = None if series.values.lstrip().startswith("{{") else values_problem(series.values)
            if problem:
                found.append(ctx.diag(("tests", t, "input_series", i, "values"), "E422", problem))
        for c, alert_check in enumerate(test.alert_tests):
            if alert_check.alertname not in known:
                close = difflib.get_close_matches(alert_check.alertname, sorted(known), n=1)
                hint = f": did you mean {close[0]!r}?" if close else ""
                found.append(
                    ctx.diag(
                        ("tests", t, "alert_tests", c, "alertname"),
                        "E420",
                        f"no alert named {alert_check.alertname!r} in alerts: or slos:{hint}",
                    )
                )
    return found


def check(ctx: Context) -> list[Diagnostic]:
    return check_slos(ctx) + check_tests(ctx)
