"""Every metric an alert, recording rule, SLO events query or panel reads comes from a declared source.

Known sources: the `metrics` catalog (histograms and summaries with their _bucket/_sum/_count
series, counters with or without `_total`), recording rules, SLO rules (`slo:*`), each declared
exporter's metric prefixes, the series every scrape yields (`up`, ...), the client libraries'
process/runtime collectors, and Prometheus' own `ALERTS` series.

The check runs only when the spec says where every metric comes from: when `metrics` is
declared, or when there are no application `services` (exporters only). A spec with services
and no catalog cannot be checked without drowning in guesses.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from erpgo_monctl.analysis.promql import GRAFANA_PLACEHOLDER, facts
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.resolve.model import CLIENT_LIBRARY_PREFIXES, EXPORTER_PREFIXES, UNIVERSAL_METRICS

from .context import Context
from .promql import expressions

PROMETHEUS_SERIES = ("ALERTS", "ALERTS_FOR_STATE")
SLO_RULE_PREFIX = "slo:"


@dataclass(frozen=True)
class Catalog:
    """Every metric name the spec makes available, and the prefixes exporters produce."""

    names: frozenset[str]
    prefixes: tuple[str, ...]
    suggestions: tuple[str, ...]  # names worth suggesting (catalog and records, not derived series)

    def knows(self, name: str) -> bool:
        return name in self.names or name.startswith(self.prefixes)

    def suggest(self, name: str) -> str | None:
        close = difflib.get_close_matches(name, self.suggestions, n=1, cutoff=0.75)
        return close[0] if close else None


def catalog(ctx: Context) -> Catalog:
    spec = ctx.model.spec
    names: set[str] = set(UNIVERSAL_METRICS) | set(PROMETHEUS_SERIES)
    suggestions: list[str] = []
    for metric in spec.metrics:
        names.add(metric.name)
        suggestions.append(metric.name)
        if metric.type in ("histogram", "summary"):
            series = [f"{metric.name}_sum", f"{metric.name}_count"]
            if metric.type == "histogram":
                series.append(f"{metric.name}_bucket")
            names.update(series)
            suggestions.extend(series)
        elif metric.type == "counter":
            if metric.name.endswith("_total"):
                names.add(metric.name.removesuffix("_total") + "_created")
            else:
                names.update((f"{metric.name}_total", f"{metric.name}_created"))
    for group in spec.recording_rules:
        for rule in group.rules:
            names.add(rule.record)
            suggestions.append(rule.record)
    prefixes: list[str] = list(CLIENT_LIBRARY_PREFIXES)
    for exporter in spec.exporters:
        prefixes.extend(EXPORTER_PREFIXES.get(exporter.kind, ()))
        prefixes.extend(exporter.metric_prefixes)
    if spec.slos:
        prefixes.append(SLO_RULE_PREFIX)
    return Catalog(frozenset(names), tuple(dict.fromkeys(prefixes)), tuple(dict.fromkeys(suggestions)))


def applies(ctx: Context) -> bool:
    """Whether the spec declares where its metrics come from (see the module docstring)."""
    spec = ctx.model.spec
    return bool(spec.metrics) or (bool(spec.exporters) and not spec.services)


def _unknown(ctx: Context, known: Catalog, name: str) -> str:
    guess = known.suggest(name)
    hint = f"; did you mean {guess!r}?" if guess else ""
    where = "metrics[]" + (", a recording rule" if ctx.model.spec.recording_rules else "")
    if ctx.model.spec.exporters:
        where += " or an exporter's prefixes"
    return (
        f"unknown metric {name!r}: not declared in {where}{hint} "
        "(declare it under metrics:, or list its prefix in an exporter's metric_prefixes)"
    )


def check(ctx: Context) -> list[Diagnostic]:
    if not applies(ctx):
        return []
    known = catalog(ctx)
    found = []
    for expression in expressions(ctx):
        found_facts = facts(expression.text)
        if found_facts.error is not None:
            continue  # reported by the promql check
        for name in found_facts.metric_names:
            if GRAFANA_PLACEHOLDER in name or known.knows(name) or name.startswith("probe_"):
                continue  # probe_* series are judged by the scrape check (E341) against the probe modules
            found.append(ctx.diag(expression.path, "E307", _unknown(ctx, known, name)))
    return found
