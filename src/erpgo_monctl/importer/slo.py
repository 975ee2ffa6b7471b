"""Sloth (`prometheus/v1`, Kubernetes `PrometheusServiceLevel`) and OpenSLO SLOs -> the spec's `slos`.

The SLI queries are kept (Sloth's `{{.window}}` becomes the spec's `{{window}}`); the
objective, the alert names, severities, labels and annotations map one to one. The spec
renders its own multi-window burn-rate rules (the SRE Workbook's table, like Sloth's
default), so the rule *names* and *labels* differ from Sloth's: docs/import.md compares them.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.importer.context import BAD_SHAPE, Document, Findings, as_list, as_str, check_keys, slug
from erpgo_monctl.importer.draft import Draft

_WINDOW = re.compile(r"\{\{\s*\.window\s*\}\}")
RESERVED = ("slo", "service", "slo_alert")
SLOTH_KEYS = ("version", "service", "labels", "slos")
SLOTH_SLO_KEYS = ("name", "objective", "description", "labels", "sli", "alerting", "info_labels")
# Kubernetes spelling -> prometheus/v1 spelling
CAMEL = {
    "errorQuery": "error_query",
    "totalQuery": "total_query",
    "errorRatioQuery": "error_ratio_query",
    "pageAlert": "page_alert",
    "ticketAlert": "ticket_alert",
}


def _snake(value: Any) -> Any:
    if isinstance(value, dict):
        return {CAMEL.get(k, k): _snake(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_snake(v) for v in value]
    return value


def import_sloth(found: Findings, draft: Draft, doc: Document, *, kubernetes: bool) -> None:
    base: PathKey = ("spec",) if kubernetes else ()
    if kubernetes:
        check_keys(
            found, doc, (), doc.data, ("apiVersion", "kind", "metadata", "spec"), "a PrometheusServiceLevel"
        )
    data = check_keys(
        found, doc, base, doc.data.get("spec") if kubernetes else doc.data, SLOTH_KEYS, "a Sloth spec"
    )
    service = as_str(found, doc, (*base, "service"), data.get("service"), "the service")
    if service is None:
        return
    labels = {str(k): str(v) for k, v in (data.get("labels") or {}).items()}
    for index, raw in enumerate(as_list(found, doc, (*base, "slos"), data.get("slos"), "a list of SLOs")):
        path = (*base, "slos", index)
        slo = _snake(raw) if kubernetes else raw
        slo = check_keys(found, doc, path, slo, SLOTH_SLO_KEYS, "a Sloth SLO")
        if slo:
            _sloth_slo(found, draft, doc, path, slo, service, labels)


def _sloth_slo(
    found: Findings,
    draft: Draft,
    doc: Document,
    path: PathKey,
    slo: dict[str, Any],
    service: str,
    labels: dict[str, str],
) -> None:
    name = str(slo.get("name", ""))
    sli = slo.get("sli") or {}
    events = sli.get("events")
    if not isinstance(events, dict) or "error_query" not in events or "total_query" not in events:
        kind = next(iter(sli), "none") if isinstance(sli, dict) else "none"
        found.lost(doc, (*path, "sli"), f"SLO {name}: a `{kind}` SLI (the spec has events and latency SLIs)")
        return
    entry: dict[str, Any] = {"name": slug(name), "service": _service(found, draft, doc, path, service)}
    entry["objective"] = slo.get("objective")
    if slo.get("description"):
        entry["description"] = str(slo["description"])
    entry["sli"] = {
        "events": {
            "errors": _WINDOW.sub("{{window}}", str(events["error_query"])),
            "total": _WINDOW.sub("{{window}}", str(events["total_query"])),
        }
    }
    every = {**labels, **{str(k): str(v) for k, v in (slo.get("labels") or {}).items()}}
    if every:
        found.lost(
            doc,
            (*path, "labels") if slo.get("labels") else (*path[:-2], "labels"),
            f"SLO labels {sorted(every)} on the recording rules (the spec has no SLO-level labels yet); "
            "they are set on both burn-rate alerts",
        )
    if "info_labels" in slo:
        found.lost(doc, (*path, "info_labels"), "Sloth info labels")
    alerting = slo.get("alerting") or {}
    if alerting:
        entry["alerting"] = _sloth_alerting(found, draft, doc, (*path, "alerting"), alerting, every)
    elif every:
        entry["alerting"] = {"page": {"labels": every}, "ticket": {"labels": every}}
    if slug(name) != name:
        found.changed(doc, (*path, "name"), f"SLO name {name!r} is not a slug: imported as {slug(name)!r}")
    made = draft.item(entry, doc, path)
    draft.group_files[id(made)] = doc.display
    draft.slos.append(made)


def _sloth_alerting(
    found: Findings,
    draft: Draft,
    doc: Document,
    path: PathKey,
    alerting: dict[str, Any],
    labels: dict[str, str],
) -> dict[str, Any]:
    keys = ("name", "labels", "annotations", "page_alert", "ticket_alert")
    alerting = check_keys(found, doc, path, alerting, keys, "Sloth alerting")
    out: dict[str, Any] = {}
    for kind, key in (("page", "page_alert"), ("ticket", "ticket_alert")):
        own = check_keys(
            found, doc, (*path, key), alerting.get(key) or {}, ("disable", "labels", "annotations"), key
        )
        alert: dict[str, Any] = {}
        if alerting.get("name"):
            alert["name"] = str(alerting["name"])
        merged = {**labels, **_strings(alerting.get("labels")), **_strings(own.get("labels"))}
        severity = merged.pop("severity", None)
        if severity:
            alert["severity"] = severity
            draft.severities.setdefault(severity, None)
        for label in [k for k in merged if k in RESERVED]:
            found.lost(
                doc, (*path, key, "labels", label), f"label {label} is set by monctl on every SLO alert"
            )
            del merged[label]
        if merged:
            alert["labels"] = merged
        annotations = {**_strings(alerting.get("annotations")), **_strings(own.get("annotations"))}
        if annotations:
            alert["annotations"] = annotations
        if own.get("disable"):
            alert["disable"] = True
        if alert:
            out[kind] = alert
    return out


def _strings(value: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _service(found: Findings, draft: Draft, doc: Document, path: PathKey, service: str) -> str:
    """The scrape job an SLO belongs to; a placeholder job (reported) when no input scrapes that name."""
    name = slug(service)
    if name not in draft.job_names:
        draft.job_names.add(name)
        entry = {"name": name, "targets": [f"{name}:80"]}
        draft.services.append(draft.item(entry, doc, path, "placeholder: the SLO's service"))
        found.changed(
            doc,
            path,
            f"SLO service {service!r} is not a scrape job of the imported files: a placeholder job {name!r} "
            f"scraping {name}:80 was added (the spec's SLOs belong to a job); import its prometheus.yml "
            "along, or fix the target",
        )
    return name


# ------------------------------------------------------------------------------------------ OpenSLO

OPENSLO_UNITS = {
    "Minute": "m",
    "Hour": "h",
    "Day": "d",
    "Week": "w",
    "Month": None,
    "Quarter": None,
    "Year": "y",
}


def import_openslo(found: Findings, draft: Draft, doc: Document) -> None:
    kind = str(doc.data.get("kind", ""))
    if kind == "SLI":
        draft.openslo_slis[str((doc.data.get("metadata") or {}).get("name"))] = (
            doc,
            doc.data.get("spec") or {},
        )
        return
    if kind != "SLO":
        reason = {
            "AlertPolicy": "OpenSLO alert policies: monctl's burn-rate alerts follow the SRE Workbook table "
            "(page 14.4x/6x, ticket 3x/1x); custom alert conditions are not in the spec yet",
            "Service": "an OpenSLO Service is only a name here: the SLO's `service` carries it",
        }.get(kind, f"OpenSLO kind {kind!r}")
        found.lost(doc, ("kind",), reason)
        return
    draft.openslo_slos.append(doc)


def finish_openslo(found: Findings, draft: Draft) -> None:
    """SLOs after every document is read (an SLO may name an SLI defined in another file)."""
    for doc in draft.openslo_slos:
        _openslo_slo(found, draft, doc)


def _openslo_slo(found: Findings, draft: Draft, doc: Document) -> None:
    metadata = doc.data.get("metadata") or {}
    spec = doc.data.get("spec") or {}
    name = str(metadata.get("name", ""))
    indicator = spec.get("indicator")
    where: PathKey = ("spec", "indicator")
    sli_doc = doc
    if indicator is None and isinstance(spec.get("indicatorRef"), str):
        sli_doc, indicator = draft.openslo_slis.get(spec["indicatorRef"], (doc, None))
        where = ("spec",)
        if indicator is None:
            found.add(
                doc, ("spec", "indicatorRef"), BAD_SHAPE, "error", f"no SLI named {spec['indicatorRef']!r}"
            )
            return
    else:
        indicator = (indicator or {}).get("spec")
        where = ("spec", "indicator", "spec")
    events = _openslo_events(found, sli_doc, where, indicator or {}, spec)
    objectives = spec.get("objectives") or [{}]
    if events is None:
        return
    entry: dict[str, Any] = {
        "name": slug(name),
        "service": _service(found, draft, doc, ("spec",), str(spec.get("service", name))),
    }
    objective = _objective(found, doc, ("spec", "objectives", 0), objectives[0])
    if objective is None:
        return
    entry["objective"] = objective
    for extra in range(1, len(objectives)):
        found.lost(doc, ("spec", "objectives", extra), "a second objective (the spec has one per SLO)")
    window = _window(found, doc, spec)
    if window:
        entry["window"] = window
    if spec.get("description"):
        entry["description"] = str(spec["description"])
    entry["sli"] = {"events": events}
    if spec.get("budgetingMethod", "Occurrences") != "Occurrences":
        found.lost(
            doc, ("spec", "budgetingMethod"), "time-slice budgeting (the spec counts events: Occurrences)"
        )
    if spec.get("alertPolicies"):
        found.lost(
            doc,
            ("spec", "alertPolicies"),
            "alert policies: monctl renders the SRE Workbook's burn-rate alerts",
        )
    made = draft.item(entry, doc, ("metadata", "name"))
    draft.group_files[id(made)] = doc.display
    draft.slos.append(made)


def _query(source: Any) -> str | None:
    """The PromQL of an OpenSLO v1 metricSource, or of a v1alpha {source, query}."""
    if not isinstance(source, dict):
        return None
    inner = source.get("metricSource", source)
    spec = inner.get("spec", inner)
    query = spec.get("query") or spec.get("promql")
    kind = str(inner.get("type", inner.get("source", "prometheus"))).lower()
    return str(query) if query and kind == "prometheus" else None


def _openslo_events(
    found: Findings, doc: Document, where: PathKey, indicator: dict[str, Any], slo: dict[str, Any]
) -> dict[str, str] | None:
    ratio = indicator.get("ratioMetric")
    objectives = slo.get("objectives") or [{}]
    if ratio is None and isinstance(objectives[0], dict) and "ratioMetrics" in objectives[0]:  # v1alpha
        ratio = (slo["objectives"][0] or {}).get("ratioMetrics")
        where = ("spec", "objectives", 0, "ratioMetrics")
    if not isinstance(ratio, dict):
        found.lost(
            doc, where, "only Prometheus ratio metrics map to the spec's SLIs (threshold metrics do not)"
        )
        return None
    total = _query(ratio.get("total"))
    good, bad = _query(ratio.get("good")), _query(ratio.get("bad"))
    if total is None or (good is None and bad is None):
        found.lost(doc, where, "a ratio metric whose good/bad and total are not Prometheus queries")
        return None

    def windowed(query: str) -> str:
        if _WINDOW.search(query):
            return _WINDOW.sub("{{window}}", query)
        if ratio.get("counter", True):
            return f"sum(rate({query}[{{{{window}}}}]))"
        return query

    errors = windowed(bad) if bad is not None else f"({windowed(total)}) - ({windowed(str(good))})"
    events = {"errors": errors, "total": windowed(total)}
    if not all("{{window}}" in q for q in events.values()):
        found.lost(
            doc, where, "a query without a range the SLO window can set (not a counter, no {{.window}})"
        )
        return None
    return events


def _objective(found: Findings, doc: Document, path: PathKey, objective: dict[str, Any]) -> float | None:
    if "targetPercent" in objective:
        return float(objective["targetPercent"])
    if "target" in objective:
        return float(Decimal(str(objective["target"])) * 100)
    found.add(doc, path, BAD_SHAPE, "error", "an objective needs `target` (ratio) or `targetPercent`")
    return None


def _window(found: Findings, doc: Document, spec: dict[str, Any]) -> str | None:
    windows = spec.get("timeWindow") or spec.get("timeWindows") or []
    if not windows:
        return None
    first = windows[0] or {}
    if first.get("isRolling") is False or "calendar" in first:
        found.lost(doc, ("spec", "timeWindow", 0), "calendar-aligned windows (the spec's windows roll)")
    if "duration" in first:
        return str(first["duration"])
    unit = OPENSLO_UNITS.get(str(first.get("unit")))
    if unit is None:
        found.lost(doc, ("spec", "timeWindows", 0), f"a window in {first.get('unit')}s")
        return None
    return f"{first.get('count')}{unit}"
