"""Metric catalog entries for an import of exporters only, so the spec's metric check can pass.

The spec checks every metric name when it knows where metrics come from (a catalog, or
exporters and no application services). Existing rule files name metrics no exporter kind
explains; the importer declares them, typed by Prometheus' naming conventions, and says so.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.importer.draft import Draft
from erpgo_monctl.resolve.model import CLIENT_LIBRARY_PREFIXES, EXPORTER_PREFIXES, UNIVERSAL_METRICS

_KNOWN_SERIES = {*UNIVERSAL_METRICS, "ALERTS", "ALERTS_FOR_STATE"}


def undeclared_metrics(draft: Draft) -> list[dict[str, Any]]:
    """`metrics:` entries for names the rules read that no record or exporter explains."""
    from erpgo_monctl.analysis.promql import facts

    if not draft.exporters or draft.services:
        return []
    records = {str(rule["record"]) for group in draft.recording_rules for rule in group["rules"]}
    prefixes = [*CLIENT_LIBRARY_PREFIXES]
    for exporter in draft.exporters:
        prefixes += EXPORTER_PREFIXES.get(str(exporter["kind"]), ())
    names: dict[str, None] = {}
    for group in [*draft.recording_rules, *draft.alerts]:
        for rule in group["rules"]:
            for name in facts(str(rule["expr"])).metric_names:
                if name not in records and name not in _KNOWN_SERIES and not name.startswith(tuple(prefixes)):
                    names[name] = None
    declared: dict[str, dict[str, Any]] = {}
    for name in names:
        base, kind = name, "gauge"
        for suffix, family in (("_bucket", "histogram"), ("_sum", "summary"), ("_count", "summary")):
            if name.endswith(suffix):
                base, kind = name.removesuffix(suffix), family
        if name.endswith("_total"):
            kind = "counter"
        if base in declared and kind == "summary":
            continue
        if f"{base}_bucket" in names:
            kind = "histogram"
        declared[base] = {
            "name": base,
            "type": kind,
            "help": "imported: read by the imported rules; describe it",
        }
    return list(declared.values())
