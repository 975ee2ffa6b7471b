"""What every lint rule reads: the model, parsed expressions (parsed once), the catalog, intervals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from erpgo_monctl.analysis.promql import parse
from erpgo_monctl.diagnostics import Severity
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.rules import Metric
from erpgo_monctl.spec.types import duration_seconds
from erpgo_monctl.validate.promql import Expression, spec_expressions

ExprKind = Literal["record", "alert", "panel", "slo"]


@dataclass(frozen=True)
class Finding:
    """One problem a rule found; `severity` overrides the rule's default for this case only."""

    rule: str
    path: PathKey
    message: str
    severity: Severity | None = None


# one PromQL expression of the spec and where it stands (shared with validate's checks)
ExprSite = Expression


@dataclass
class LintContext:
    model: Model
    _parsed: dict[str, Any] = field(default_factory=dict)

    def parse(self, text: str) -> Any | None:
        """The AST of `text`, or None when it does not parse (validate reports that)."""
        if text not in self._parsed:
            self._parsed[text] = parse(text)[0]
        return self._parsed[text]

    def expressions(self) -> Iterator[ExprSite]:
        """Every PromQL expression: recording rules, alerts, SLO event queries, Prometheus panels."""
        return spec_expressions(self.model)

    @cached_property
    def catalog(self) -> dict[str, Metric]:
        return {metric.name: metric for metric in self.model.spec.metrics}

    @cached_property
    def recorded(self) -> dict[str, str]:
        """Recording rule name -> its (first) expression."""
        found: dict[str, str] = {}
        for group in self.model.spec.recording_rules:
            for rule in group.rules:
                found.setdefault(rule.record, rule.expr)
        return found

    def series_kind(self, name: str) -> Literal["counter", "gauge"] | None:
        """Whether the catalog makes series `name` a counter or a gauge; None when it cannot tell."""
        metric = self.catalog.get(name)
        if metric is not None:
            if metric.type == "counter":
                return "counter"
            return "gauge" if metric.type in ("gauge", "summary") else None
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix):
                base = self.catalog.get(name[: -len(suffix)])
                if base is not None and (
                    base.type == "histogram" or (base.type == "summary" and suffix != "_bucket")
                ):
                    return "counter"
        return None

    def scrape_interval(self, job: str | None) -> float:
        """Seconds between scrapes of `job` (its own interval, else the global one)."""
        if job is not None:
            for scrape in self.model.scrape_jobs:
                if scrape.name == job and scrape.scrape_interval:
                    return duration_seconds(scrape.scrape_interval)
        return duration_seconds(self.model.spec.prometheus.scrape_interval)

    def evaluation_interval(self, group_interval: str | None) -> float:
        return duration_seconds(group_interval or self.model.spec.prometheus.evaluation_interval)
