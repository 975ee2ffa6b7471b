"""Lint rules over every PromQL expression of the spec: functions, ranges, matchers, ratios, duplicates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from erpgo_monctl.analysis.promql_ast import (
    COUNTER_FUNCTIONS,
    TWO_SAMPLE_FUNCTIONS,
    Node,
    equality_matchers,
    is_scalar,
    normalise,
    op_of,
    selector_name,
    selectors,
    unwrap,
    walk,
)
from erpgo_monctl.analysis.promql_labels import output_labels
from erpgo_monctl.lint.context import ExprSite, Finding, LintContext

_REGEX_CHARS = re.compile(r"[.*+?()\[\]{}|^$\\]")
_MATCHERS_TEXT = re.compile(r'\{(?:[^{}"]|"(?:[^"\\]|\\.)*")*\}')
# functions whose use of a raw counter is fine: they look at presence, count or time, not the value
_VALUE_BLIND_FUNCTIONS = frozenset(
    {
        "absent",
        "absent_over_time",
        "present_over_time",
        "timestamp",
        "count_over_time",
        "changes",
        "resets",
        *COUNTER_FUNCTIONS,
    }
)
_VALUE_BLIND_AGGREGATIONS = frozenset({"count", "group", "count_values"})


def check(ctx: LintContext) -> Iterator[Finding]:
    for site in ctx.expressions():
        ast = ctx.parse(site.text)
        if ast is None:
            continue
        yield from _histogram_quantile(site, ast)
        yield from _counter_functions(ctx, site, ast)
        yield from _raw_counters(ctx, site, ast)
        yield from _ranges(ctx, site, ast)
        yield from _plain_regexes(site, ast)
        yield from _ratios(site, ast)
    yield from _duplicates(ctx)


def _call_name(node: Node) -> str | None:
    import promql_parser as p

    return str(node.func.name) if isinstance(node, p.Call) else None


def _histogram_quantile(site: ExprSite, ast: Node) -> Iterator[Finding]:
    import promql_parser as p

    for node, _ in walk(ast):
        if _call_name(node) != "histogram_quantile" or len(node.args) != 2:
            continue
        inner = unwrap(node.args[1])
        buckets = sorted(
            {name for s in selectors(inner) if (name := selector_name(s) or "").endswith("_bucket")}
        )
        if not buckets:
            continue  # a recorded or native histogram: nothing certain to say
        if output_labels(inner).lacks("le"):
            yield Finding(
                "promql/histogram-quantile-without-le",
                site.path,
                f"histogram_quantile over {buckets[0]} whose aggregation drops the `le` label: the query "
                "returns nothing; keep it, e.g. sum by (le) (rate(...))",
            )
        elif not any(isinstance(n, p.AggregateExpr) for n, _ in walk(inner)):
            yield Finding(
                "promql/histogram-quantile-without-le",
                site.path,
                f"histogram_quantile over un-aggregated {buckets[0]} rates gives one quantile per series "
                "(instance, endpoint, ...), not one for the service: aggregate the buckets, e.g. "
                f"sum by (le) (rate({buckets[0]}[5m]))",
                "warning",
            )


def _range_argument(node: Node) -> Node | None:
    """The selector a range function reads: `x[5m]`, or the `x` of a subquery `x[5m:1m]`."""
    import promql_parser as p

    for arg in node.args:
        arg = unwrap(arg)
        if isinstance(arg, p.MatrixSelector):
            return arg
        if isinstance(arg, p.SubqueryExpr) and isinstance(unwrap(arg.expr), p.VectorSelector):
            return unwrap(arg.expr)
    return None


def _counter_functions(ctx: LintContext, site: ExprSite, ast: Node) -> Iterator[Finding]:
    for node, _ in walk(ast):
        function = _call_name(node)
        if function not in COUNTER_FUNCTIONS:
            continue
        argument = _range_argument(node)
        name = selector_name(argument) if argument is not None else None
        if name is None or ctx.series_kind(name) != "gauge":
            continue
        declared = ctx.catalog[name].type
        yield Finding(
            "promql/rate-on-non-counter",
            site.path,
            f"{function}() over {name}, which the metrics catalog declares as a {declared}: {function}() "
            "reads every decrease as a counter reset; use deriv() or delta() for a gauge's change",
        )


def _value_selectors(node: Node, blind: bool) -> Iterator[Node]:
    """Vector selectors whose sample values reach the result (not only their presence or count)."""
    import promql_parser as p

    node = unwrap(node)
    if isinstance(node, p.VectorSelector):
        if not blind:
            yield node
    elif isinstance(node, p.Call):
        inner_blind = blind or str(node.func.name) in _VALUE_BLIND_FUNCTIONS
        for arg in node.args:
            yield from _value_selectors(arg, inner_blind)
    elif isinstance(node, p.AggregateExpr):
        yield from _value_selectors(node.expr, blind or op_of(node) in _VALUE_BLIND_AGGREGATIONS)
    elif isinstance(node, p.BinaryExpr):
        yield from _value_selectors(node.lhs, blind)
        yield from _value_selectors(node.rhs, blind or op_of(node) in ("and", "unless"))
    elif isinstance(node, p.UnaryExpr | p.SubqueryExpr):
        yield from _value_selectors(node.expr, blind)
    elif isinstance(node, p.MatrixSelector):
        yield from _value_selectors(node.vector_selector, blind)


def _raw_counters(ctx: LintContext, site: ExprSite, ast: Node) -> Iterator[Finding]:
    reported: set[str] = set()
    for selector in _value_selectors(ast, False):
        name = selector_name(selector)
        if name is None or name in reported or ctx.series_kind(name) != "counter":
            continue
        reported.add(name)
        yield Finding(
            "promql/counter-without-rate",
            site.path,
            f"counter {name} is used by its raw value, which restarts from 0 whenever the process "
            f"restarts: use rate({name}[5m]) or increase({name}[1h])",
        )


def _ranges(ctx: LintContext, site: ExprSite, ast: Node) -> Iterator[Finding]:
    import promql_parser as p

    for node, _ in walk(ast):
        function = _call_name(node)
        if function not in TWO_SAMPLE_FUNCTIONS:
            continue
        matrix = next((unwrap(a) for a in node.args if isinstance(unwrap(a), p.MatrixSelector)), None)
        if matrix is None:
            continue
        window = matrix.range.total_seconds()
        job = equality_matchers(matrix).get("job")
        interval = ctx.scrape_interval(job)
        if window >= 4 * interval:
            continue
        source = f'job "{job}"' if job and ctx.scrape_interval(job) != ctx.scrape_interval(None) else "global"
        shown = p.display_duration(matrix.range)
        advice = f"use at least [{_duration_text(4 * interval)}]"
        if window < 2 * interval:
            yield Finding(
                "promql/range-too-short",
                site.path,
                f"{function}(...[{shown}]) can hold fewer than two samples at the {source} scrape "
                f"interval of {_duration_text(interval)}, so it often returns nothing: {advice}",
                "error",
            )
        else:
            yield Finding(
                "promql/range-too-short",
                site.path,
                f"{function}(...[{shown}]) spans less than 4 scrapes at the {source} scrape interval of "
                f"{_duration_text(interval)}; one late scrape leaves too few samples: {advice}",
            )


def _duration_text(seconds: float) -> str:
    whole = int(seconds)
    if whole % 3600 == 0 and whole:
        return f"{whole // 3600}h"
    if whole % 60 == 0 and whole:
        return f"{whole // 60}m"
    return f"{whole}s"


def _plain_regexes(site: ExprSite, ast: Node) -> Iterator[Finding]:
    import promql_parser as p

    seen: set[str] = set()
    for node, _ in walk(ast):
        if not isinstance(node, p.VectorSelector):
            continue
        matchers = [*node.matchers.matchers, *(m for group in node.matchers.or_matchers for m in group)]
        for matcher in matchers:
            if matcher.op not in (p.MatchOp.Re, p.MatchOp.NotRe) or _REGEX_CHARS.search(matcher.value):
                continue
            text = str(matcher)
            if text in seen:
                continue
            seen.add(text)
            plain = "=" if matcher.op == p.MatchOp.Re else "!="
            yield Finding(
                "promql/regex-without-regex-chars",
                site.path,
                f"{text} has no regex characters (and regexes are anchored): write "
                f'{matcher.name}{plain}"{matcher.value}"',
            )


def _same_except_extra_matchers(lhs: Node, rhs: Node) -> set[str]:
    """Labels the left side filters on beyond the right side, when both are otherwise the same query."""
    left, right = selectors(lhs), selectors(rhs)
    if not left or len(left) != len(right):
        return set()
    if _MATCHERS_TEXT.sub("{}", str(lhs)) != _MATCHERS_TEXT.sub("{}", str(rhs)):
        return set()
    extra: set[str] = set()
    for a, b in zip(left, right, strict=True):
        mine, theirs = {str(m) for m in a.matchers.matchers}, {str(m) for m in b.matchers.matchers}
        if selector_name(a) != selector_name(b) or not theirs <= mine or a.offset != b.offset:
            return set()
        extra.update(m.name for m in a.matchers.matchers if str(m) not in theirs and m.name != "__name__")
    return extra


def _ratios(site: ExprSite, ast: Node) -> Iterator[Finding]:
    import promql_parser as p

    for node, _ in walk(ast):
        if not isinstance(node, p.BinaryExpr) or op_of(node) != "/":
            continue
        modifier = node.modifier
        if modifier is not None and (
            modifier.matching is not None or modifier.card != p.VectorMatchCardinality.OneToOne
        ):
            continue
        if is_scalar(node.lhs) or is_scalar(node.rhs):
            continue
        kept = sorted(
            label
            for label in _same_except_extra_matchers(node.lhs, node.rhs)
            if not output_labels(node.lhs).lacks(label)
        )
        if kept:
            labels = ", ".join(kept)
            yield Finding(
                "promql/ratio-always-one",
                site.path,
                f"both sides keep `{labels}`, so each series on the left is divided by the same series "
                f"on the right: the ratio is 1 wherever the filter matches; aggregate {labels} away on "
                "both sides, e.g. sum by (job) (...) / sum by (job) (...)",
            )


def _duplicates(ctx: LintContext) -> Iterator[Finding]:
    spec = ctx.model.spec
    items: list[tuple[str, str, tuple[Any, ...], str]] = []
    for g, group in enumerate(spec.recording_rules):
        for r, rule in enumerate(group.rules):
            items.append(
                ("recording rule", rule.record, ("recording_rules", g, "rules", r, "expr"), rule.expr)
            )
    for g, alert_group in enumerate(spec.alerts):
        for r, alert in enumerate(alert_group.rules):
            items.append(("alert", alert.alert, ("alerts", g, "rules", r, "expr"), alert.expr))
    first: dict[str, tuple[str, str, tuple[Any, ...]]] = {}
    for kind, name, path, text in items:
        ast = ctx.parse(text)
        if ast is None:
            continue
        key = normalise(ast)
        if key not in first:
            first[key] = (kind, name, path)
            continue
        other_kind, other_name, other_path = first[key]
        if other_name == name:
            continue
        place = ctx.model.source.place(other_path, seen_from=path) if ctx.model.source else "line 0"
        yield Finding(
            "rules/duplicate-expression",
            path,
            f"same expression as {other_kind} {other_name} ({place}): keep one, or build on "
            f"the recorded series",
        )
