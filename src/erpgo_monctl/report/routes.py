"""`monctl routes`: the receivers every alert reaches, routes no alert reaches, catch-all fall-through.

An alert's routing labels are the ones the spec knows statically: `alertname`, `severity`
and the rule's labels (SLO burn alerts included). Labels that only the expression
produces at run time (instance, job ...) are unknown here, so a route matching on them
is reported as reached by no alert of the spec — true as far as the spec can tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.analysis.routing import RouteMatcher, RoutePath, iter_routes, spec_path
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model


@dataclass(frozen=True)
class AlertRouting:
    alert: str
    labels: dict[str, str]
    receivers: tuple[str, ...]
    catch_all: bool  # reached only the root route's receiver
    spec_path: PathKey


@dataclass(frozen=True)
class RouteReport:
    alerts: list[AlertRouting]
    unreachable: list[tuple[RoutePath, PathKey]]


def route_report(model: Model) -> RouteReport:
    """Where each alert goes, and which routes nothing reaches."""
    if model.spec.alertmanager is None:  # alerts go nowhere but Prometheus' own alerts page
        return RouteReport([], [])
    root = model.spec.alertmanager.route
    reached: set[RoutePath] = set()
    alerts: list[AlertRouting] = []
    matcher = RouteMatcher(root)  # alerts alike on the labels routes test are routed once
    for alert in model.alert_rules():
        name, labels, path = alert.rule.alert, model.routing_labels(alert.rule), alert.spec_path
        matches = matcher(labels)
        for match in matches:
            for depth in range(len(match.path) + 1):
                reached.add(match.path[:depth])
        catch_all = all(match.path == () for match in matches)
        alerts.append(AlertRouting(name, labels, tuple(m.receiver for m in matches), catch_all, path))
    unreachable = [(path, spec_path(path)) for path, _ in iter_routes(root) if path not in reached]
    return RouteReport(alerts, unreachable)


def format_routing(entry: AlertRouting) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in sorted(entry.labels.items()) if k != "alertname")
    note = "  (catch-all: no route matches)" if entry.catch_all else ""
    return f"{entry.alert} {{{shown}}} -> {', '.join(entry.receivers)}{note}"
