"""Every PromQL expression in the spec parses (promql-parser, no binary needed).

Also the shared PromQL helpers other checks read: a cached parse, the metric
names an expression selects, and the labels its result can carry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.rules import SLIByEvents

from .context import Context

# promql-parser (Rust) overflows its stack on absurd nesting: refuse those before parsing.
MAX_NESTING = 64
MAX_OPERATORS = 200
MAX_LENGTH = 20_000
_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', re.S)
_OPERATOR_RE = re.compile(r"[-+*/%^]|[=!<>]=|[<>]|\b(?:and|or|unless|atan2)\b")
WINDOW = "{{window}}"


@dataclass(frozen=True)
class Expression:
    """One PromQL expression of the spec, as the parser should see it."""

    path: PathKey
    text: str
    kind: str  # "record", "alert", "slo", "panel"


def expressions(ctx: Context) -> Iterator[Expression]:
    """Every PromQL expression of the context's model (see `spec_expressions`)."""
    return spec_expressions(ctx.model)


def spec_expressions(model: Model) -> Iterator[Expression]:
    """Every PromQL expression: rules, alerts, SLO events queries ({{window}} as 5m), dashboard queries.

    Shared by validate and lint. SLO latency selectors and placeholders are checks/slo.py's concern.
    """
    from erpgo_monctl.verify.dashboards import promql_for_parser

    spec = model.spec
    for g, group in enumerate(spec.recording_rules):
        for r, rule in enumerate(group.rules):
            yield Expression(("recording_rules", g, "rules", r, "expr"), rule.expr, "record")
    for g, alert_group in enumerate(spec.alerts):
        for r, alert in enumerate(alert_group.rules):
            yield Expression(("alerts", g, "rules", r, "expr"), alert.expr, "alert")
    for s, slo in enumerate(spec.slos):
        if isinstance(slo.sli, SLIByEvents):
            for key in ("errors", "total"):
                text = getattr(slo.sli.events, key).replace(WINDOW, "5m")
                yield Expression(("slos", s, "sli", "events", key), text, "slo")
    for d, dashboard in enumerate(spec.dashboards):
        for p, panel in enumerate(dashboard.panels):
            if panel.type == "text" or panel.datasource != "prometheus":
                continue
            for q, query in enumerate(panel.queries):
                yield Expression(
                    ("dashboards", d, "panels", p, "queries", q, "expr"),
                    promql_for_parser(query.expr),
                    "panel",
                )


@cache
def _complexity_problem(expr: str) -> str | None:
    if len(expr) <= MAX_OPERATORS and sum(map(expr.count, "([{")) <= MAX_NESTING:
        return None  # too short for MAX_OPERATORS, too few brackets to nest past MAX_NESTING
    if len(expr) > MAX_LENGTH:
        return f"expression is {len(expr):,} characters (limit {MAX_LENGTH:,}): split it with recording rules"
    bare = _STRING_RE.sub('""', expr)
    depth = deepest = 0
    for char in bare:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    if deepest > MAX_NESTING:
        return f"brackets nest {deepest} deep (limit {MAX_NESTING}): split it with recording rules"
    operators = len(_OPERATOR_RE.findall(bare))
    if operators > MAX_OPERATORS:
        return f"expression has {operators} operators (limit {MAX_OPERATORS}): split it with recording rules"
    return None


@lru_cache(maxsize=1024)
def parse(expr: str) -> tuple[Any, str | None]:
    """(syntax tree, None) when `expr` is valid PromQL, else (None, the parser's message)."""
    import promql_parser

    problem = _complexity_problem(expr)
    if problem:
        return None, problem
    try:
        return promql_parser.parse(expr), None
    except (ValueError, TypeError, RuntimeError) as exc:
        return None, str(exc) or "invalid PromQL"


def parse_error(expr: str) -> str | None:
    """The parser's message when `expr` is not valid PromQL, else None."""
    return facts(expr).error


def metric_names(tree: Any) -> list[str]:
    """Every metric name selected in an expression, in order of appearance (iterative: no recursion limit)."""
    import promql_parser

    from erpgo_monctl.analysis.promql_ast import children, selector_name

    found: list[str] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, promql_parser.VectorSelector):
            name = selector_name(node)
            if name:
                found.append(name)
        pending.extend(reversed(children(node)))
    return found


@dataclass(frozen=True)
class Facts:
    """What the checks need of one expression, derived from one parse (the tree is not kept)."""

    error: str | None  # the parser's message, or None when it parses
    metric_names: tuple[str, ...]  # distinct selected metric names, in order of appearance
    output_labels: frozenset[str] | None  # labels the result can carry (None: unknown)


# Unbounded on purpose, and small: a spec of 1,000 services has ~15,000 distinct expressions
# that every check reads; their facts take ~100 bytes where a kept syntax tree takes ~20 kB.
@cache
def facts(expr: str) -> Facts:
    """The Facts of `expr`, parsing each distinct text once per process."""
    from erpgo_monctl.analysis.promql_labels import output_labels

    tree, problem = parse(expr)
    if tree is None:
        return Facts(problem, (), None)
    return Facts(None, tuple(dict.fromkeys(metric_names(tree))), output_labels(tree).bounded)


def check(ctx: Context) -> list[Diagnostic]:
    found = []
    for expression in expressions(ctx):
        limit = _complexity_problem(expression.text)
        if limit:
            found.append(ctx.diag(expression.path, "E202", f"PromQL too complex to check: {limit}"))
            continue
        problem = parse_error(expression.text)
        if problem:
            found.append(ctx.diag(expression.path, "E201", f"PromQL does not parse: {problem}"))
    return found
