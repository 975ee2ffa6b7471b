"""Every PromQL expression in the spec parses (promql-parser, no binary needed)."""

from __future__ import annotations

from collections.abc import Iterator

from erpgo_monctl.errors import Diagnostic
from erpgo_monctl.spec.load import PathKey

from . import Context


def expressions(ctx: Context) -> Iterator[tuple[PathKey, str]]:
    """(spec path, PromQL) of every expression: rules, alerts, SLO queries, dashboard queries."""
    spec = ctx.model.spec
    for g, group in enumerate(spec.recording_rules):
        for r, rule in enumerate(group.rules):
            yield ("recording_rules", g, "rules", r, "expr"), rule.expr
    for g, alert_group in enumerate(spec.alerts):
        for r, alert in enumerate(alert_group.rules):
            yield ("alerts", g, "rules", r, "expr"), alert.expr
    for s, slo in enumerate(spec.slos):
        if slo.sli.events:
            for key in ("errors", "total"):
                yield ("slos", s, "sli", "events", key), getattr(slo.sli.events, key).replace("{{window}}", "5m")
    for d, dashboard in enumerate(spec.dashboards):
        for p, panel in enumerate(dashboard.panels):
            if panel.datasource != "prometheus":
                continue
            for q, query in enumerate(panel.queries):
                yield ("dashboards", d, "panels", p, "queries", q, "expr"), query.expr


def parse_error(expr: str) -> str | None:
    """The parser's message when `expr` is not valid PromQL, else None."""
    import promql_parser

    try:
        promql_parser.parse(expr)
    except (ValueError, TypeError, RuntimeError) as exc:
        return str(exc) or "invalid PromQL"
    return None


def check(ctx: Context) -> list[Diagnostic]:
    found = []
    for path, expr in expressions(ctx):
        problem = parse_error(expr)
        if problem:
            found.append(ctx.diag(path, "E201", f"PromQL does not parse: {problem}"))
    return found
