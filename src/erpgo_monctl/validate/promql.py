"""Every PromQL expression in the spec parses (promql-parser, no binary needed).

Also where the spec holds PromQL (`spec_expressions`, shared with lint); the
parse itself, guarded and cached, is analysis/promql.py's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from erpgo_monctl.analysis.promql import complexity_problem, parse_error, promql_for_parser
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.rules import SLIByEvents, SLIByRaw

from .context import Context

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
        elif isinstance(slo.sli, SLIByRaw):
            text = slo.sli.raw.error_ratio.replace(WINDOW, "5m")
            yield Expression(("slos", s, "sli", "raw", "error_ratio"), text, "slo")
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


def check(ctx: Context) -> list[Diagnostic]:
    found = []
    for expression in expressions(ctx):
        limit = complexity_problem(expression.text)
        if limit:
            found.append(ctx.diag(expression.path, "E202", f"PromQL too complex to check: {limit}"))
            continue
        problem = parse_error(expression.text)
        if problem:
            found.append(ctx.diag(expression.path, "E201", f"PromQL does not parse: {problem}"))
    return found
