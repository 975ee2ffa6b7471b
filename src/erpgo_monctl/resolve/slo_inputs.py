"""Synthetic input series for an SLI: which counters to feed promtool so the SLI sees known traffic.

An events SLI is two PromQL queries; to test its rules we need series that the errors
query counts as bad and the total query counts as all events. That is decidable for the
common shape `sum [by (...)] (rate|increase(<selector>[{{window}}])) [or vector(0)]`;
for anything else we say why and the user writes `tests:` by hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from erpgo_monctl.analysis.matchers import Matcher, from_promql, matches_all, regex_problem
from erpgo_monctl.analysis.promql import parse
from erpgo_monctl.analysis.promql_ast import unwrap
from erpgo_monctl.resolve.slo_math import clean
from erpgo_monctl.spec.rules import (
    SLO,
    EventsSLI,
    LatencySLI,
    RawSLI,
    SLIByEvents,
    SLIByRaw,
    SLIByTimeSlices,
    TimeSliceSLI,
)

# Values tried for a label that must (or must not) match a regex, after the regex's own literals.
_CANDIDATES = ("500", "503", "200", "0", "1", "error", "ok", "true", "false", "a", "x", "GET", "")


class Unsupported(Exception):
    """The SLI's queries have a shape we cannot synthesise input for; the message says why."""


@dataclass(frozen=True)
class Counter:
    """One input counter: per minute it grows by `bad` x bad events + `total` x all events."""

    labels: dict[str, str]
    bad: int
    total: int

    def series(self) -> str:
        """The promtool series notation, e.g. `x_total{code="500", job="api"}`."""
        name = self.labels.get("__name__", "")
        inner = ", ".join(f'{k}="{_escape(v)}"' for k, v in sorted(self.labels.items()) if k != "__name__")
        return f"{name}{{{inner}}}"


@dataclass(frozen=True)
class SLIInput:
    counters: tuple[Counter, ...]
    labels: dict[str, str]  # labels the SLI's ratio carries besides slo and service


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _literals(regex: str) -> list[str]:
    """Plausible strings a simple regex matches: `5..|429` -> ["500", "429"]."""
    found = []
    for alternative in regex.split("|"):
        text = re.sub(r"\[([^\]])[^\]]*\]", r"\1", alternative.strip("^$()"))
        text = text.replace("\\d", "0").replace("\\.", "\x00").replace(".", "0").replace("\x00", ".")
        found.append(re.sub(r"[?*+]|\{\d+(,\d*)?\}", "", text))
    return found


def _pick(label: str, must: list[Matcher], must_not: list[Matcher] | None = None) -> str | None:
    """A value of `label` that satisfies `must` and (when given) violates `must_not`; None if none found."""
    regexes = [m.value for m in must if m.op == "=~"] + [m.value for m in must_not or [] if m.op == "!~"]
    equal = [m.value for m in must if m.op == "="]
    candidates = equal + [c for r in regexes for c in _literals(r)] + list(_CANDIDATES)
    for candidate in candidates:
        labels = {label: candidate}
        if matches_all(must, labels) and (must_not is None or not matches_all(must_not, labels)):
            return candidate
    return None


def _selector(node: Any) -> list[Matcher]:
    if node.offset is not None or node.at is not None:
        raise Unsupported("offset and @ modifiers are not supported in synthesised tests")
    if node.matchers.or_matchers:
        raise Unsupported("`or` inside a selector is not supported in synthesised tests")
    found = [Matcher("__name__", "=", node.name)] if node.name else []
    found += [from_promql(matcher) for matcher in node.matchers.matchers]
    if not any(m.label == "__name__" and m.op == "=" for m in found):
        raise Unsupported("the selector names no metric")
    for m in found:
        problem = regex_problem(m.value) if m.is_regex else None
        if problem:
            raise Unsupported(f"regex {m.value!r}: {problem}")
    return found


def parse_events_query(query: str) -> tuple[list[Matcher], tuple[str, ...]]:
    """(selector, by-labels) of `sum [by (...)] (rate|increase(sel[{{window}}])) [or vector(0)]`."""
    import promql_parser

    tree, problem = parse(query.replace("{{window}}", "5m"))
    if tree is None:
        raise Unsupported(f"does not parse: {problem}")
    node = unwrap(tree)
    if (
        isinstance(node, promql_parser.BinaryExpr)
        and str(node.op) == "or"
        and (node.modifier is None or node.modifier.matching is None)
    ):
        fallback = unwrap(node.rhs)
        if not (isinstance(fallback, promql_parser.Call) and fallback.func.name == "vector"):
            raise Unsupported("only `or vector(0)` may follow the aggregation")
        node = unwrap(node.lhs)
    if not isinstance(node, promql_parser.AggregateExpr) or str(node.op) != "sum":
        raise Unsupported("the query is not `sum(...)` or `sum by (...) (...)`")
    by: tuple[str, ...] = ()
    if node.modifier is not None:
        if node.modifier.type != promql_parser.AggModifierType.By:
            raise Unsupported("`without` aggregation is not supported in synthesised tests")
        by = tuple(node.modifier.labels)
    call = unwrap(node.expr)
    if not (
        isinstance(call, promql_parser.Call)
        and call.func.name in ("rate", "increase")
        and isinstance(call.args[0], promql_parser.MatrixSelector)
    ):
        raise Unsupported("inside sum(...) there is not rate(...) or increase(...) of a range selector")
    return _selector(call.args[0].vector_selector), by


def _labels_for(must: list[Matcher]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for name in dict.fromkeys(m.label for m in must):
        value = _pick(name, [m for m in must if m.label == name])
        if value is None:
            raise Unsupported(f"found no value of label {name!r} that the selector accepts")
        if value:
            labels[name] = value
    return labels


def _metric(matchers: list[Matcher]) -> str:
    return next(m.value for m in matchers if m.label == "__name__" and m.op == "=")


def _good_series(bad: dict[str, str], errors: list[Matcher], total: list[Matcher]) -> dict[str, str]:
    """Labels selected by `total` but not by `errors`: `bad` with one errors-only label changed."""
    if bad["__name__"] != _metric(total):
        return _labels_for(total)
    for name in dict.fromkeys(m.label for m in errors if m.label != "__name__"):
        value = _pick(name, [m for m in total if m.label == name], [m for m in errors if m.label == name])
        if value is None:
            continue
        good = {**bad, name: value} if value else {k: v for k, v in bad.items() if k != name}
        if matches_all(total, good) and not matches_all(errors, good):
            return good
    raise Unsupported("found no series the total query selects and the errors query does not")


def events_input(events: EventsSLI) -> SLIInput:
    errors, errors_by = parse_events_query(events.errors)
    total, total_by = parse_events_query(events.total)
    if set(errors_by) != set(total_by):
        raise Unsupported("errors and total aggregate by different labels")
    try:  # a bad event normally counts in the total too: try a series both queries select
        bad = _labels_for(errors + total) if _metric(errors) == _metric(total) else _labels_for(errors)
    except Unsupported:
        bad = _labels_for(errors)
    good = _good_series(bad, errors, total)
    for label in errors_by:  # both series must land in the same group of `sum by (...)`
        good = {k: v for k, v in good.items() if k != label} | ({label: bad[label]} if label in bad else {})
    if errors_by and (not matches_all(total, good) or matches_all(errors, good)):
        raise Unsupported(f"bad and good series cannot share the grouping labels {', '.join(errors_by)}")
    if not matches_all(errors, bad):
        raise Unsupported("found no series the errors query selects")
    bad_in_total = matches_all(total, bad)
    counters = (Counter(bad, 1, 0), Counter(good, -1, 1) if bad_in_total else Counter(good, 0, 1))
    return SLIInput(counters, {label: bad[label] for label in errors_by if bad.get(label)})


def _grouped(base: dict[str, str], group_by: tuple[str, ...]) -> tuple[dict[str, str], dict[str, str]]:
    """`base` with a value for every grouping label it lacks, and the grouping labels' values."""
    labels = {**{label: "a" for label in group_by}, **base}
    return labels, {label: labels[label] for label in group_by}


def latency_input(latency: LatencySLI, le_spelling: int = 0, group_by: tuple[str, ...] = ()) -> SLIInput:
    """Bucket and count series of a latency SLI; `le_spelling` 0 writes `le="2"`, 1 writes `le="2.0"`."""
    import promql_parser

    node, problem = parse(f"{latency.metric}_count{{{latency.selector}}}")
    if node is None:
        raise Unsupported(f"selector does not parse: {problem}")
    if not isinstance(node, promql_parser.VectorSelector):  # `job="x"} or vector(1) #`: E409's concern
        raise Unsupported("the selector is not a list of label matchers")
    base, groups = _grouped(_labels_for(_selector(node)), group_by)
    le = clean(latency.threshold)
    if le_spelling and "." not in le and "e" not in le:
        le += ".0"
    bucket = {**base, "__name__": f"{latency.metric}_bucket", "le": le}
    return SLIInput((Counter(bucket, -1, 1), Counter(base, 0, 1)), groups)


def raw_input(raw: RawSLI) -> SLIInput:
    """A raw ratio written as `<errors query> / <total query>`: the events input of those two."""
    import promql_parser

    tree, problem = parse(raw.error_ratio.replace("{{window}}", "5m"))
    if tree is None:
        raise Unsupported(f"does not parse: {problem}")
    node = unwrap(tree)
    if not (
        isinstance(node, promql_parser.BinaryExpr)
        and str(node.op) == "/"
        and (node.modifier is None or node.modifier.matching is None)
    ):
        raise Unsupported("the raw ratio is not `sum(...errors...) / sum(...total...)`")
    # the window placeholder was read as 5m: put it back in both sides
    errors, total = (str(side).replace("[5m]", "[{{window}}]") for side in (node.lhs, node.rhs))
    return events_input(EventsSLI(errors=errors, total=total))


def time_slices_input(slices: TimeSliceSLI, group_by: tuple[str, ...] = ()) -> SLIInput:
    """One 0/1 gauge series the selector selects (its value is 1 - bad per sample)."""
    node, problem = parse(slices.selector)
    if node is None:
        raise Unsupported(f"selector does not parse: {problem}")
    import promql_parser

    if not isinstance(unwrap(node), promql_parser.VectorSelector):
        raise Unsupported("the selector is not a series selector")
    labels, groups = _grouped(_labels_for(_selector(unwrap(node))), group_by)
    return SLIInput((Counter(labels, -1, 1),), groups)


# SLOs with the same queries get the same input: derived once per process (a spec of
# 1,000 services asks ~6,000 times for a few hundred distinct shapes).
_DERIVED: dict[tuple[object, ...], SLIInput | str] = {}


def sli_input(slo: SLO, le_spelling: int = 0) -> SLIInput:
    """The counters to feed promtool for `slo`, or Unsupported saying why there are none."""
    sli = slo.sli
    group_by = tuple(slo.group_by)
    derive: Any
    if isinstance(sli, SLIByEvents):
        key: tuple[object, ...] = ("events", sli.events.errors, sli.events.total)
        derive = lambda: events_input(sli.events)  # noqa: E731
    elif isinstance(sli, SLIByRaw):
        key, derive = ("raw", sli.raw.error_ratio), lambda: raw_input(sli.raw)
    elif isinstance(sli, SLIByTimeSlices):
        key = ("slices", sli.time_slices.selector, group_by)
        derive = lambda: time_slices_input(sli.time_slices, group_by)  # noqa: E731
    else:
        key = (
            "latency",
            sli.latency.metric,
            sli.latency.selector,
            sli.latency.threshold,
            le_spelling,
            group_by,
        )
        derive = lambda: latency_input(sli.latency, le_spelling, group_by)  # noqa: E731
    if key not in _DERIVED:
        try:
            _DERIVED[key] = derive()
        except Unsupported as exc:
            _DERIVED[key] = str(exc)
    found = _DERIVED[key]
    if isinstance(found, str):
        raise Unsupported(found)
    return found
