"""`monctl routes`: the receivers every alert reaches, routes no alert reaches, catch-all fall-through.

An alert's routing labels are the ones the spec knows statically: `alertname`, `severity`
and the rule's labels (SLO burn alerts included). Labels that only the expression
produces at run time (instance, job ...) are unknown here, so a route matching on them
is reported as reached by no alert of the spec — true as far as the spec can tell.
"""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.analysis.routing import RouteMatcher, RoutePath, iter_routes
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.alertmanager import route_spec_path


@dataclass(frozen=True)
class AlertRouting:
    alert: str
    labels: dict[str, str]
    receivers: tuple[str, ...]
    catch_all: bool  # reached only the root route's receiver
    spec_path: PathKey
    outside: bool = False  # kubernetes: never entered the spec's routes (no namespace label)


@dataclass(frozen=True)
class RouteReport:
    alerts: list[AlertRouting]
    unreachable: list[tuple[RoutePath, PathKey]]


def route_report(model: Model, target: str = "compose") -> RouteReport:
    """Where each alert goes, and which routes nothing reaches.

    With target kubernetes (AlertmanagerConfig mode) the tree is the operator's merge: the spec's
    root route is the first child of the cluster's root, entered only with the namespace label.
    """
    root = model.spec.alertmanager.route
    extra: dict[str, str] = {}
    offset: RoutePath = ()  # where the spec's root route sits in the evaluated tree
    if target == "kubernetes":
        from erpgo_monctl.render.kubernetes.routing import cluster_routing

        cluster = cluster_routing(model)
        if cluster is not None:
            root, extra, offset = cluster.root, cluster.extra_labels, (0,)
    reached: set[RoutePath] = set()
    alerts: list[AlertRouting] = []
    matcher = RouteMatcher(root)  # alerts alike on the labels routes test are routed once
    for alert in model.alerts:
        labels = {**alert.routing_labels, **{k: v for k, v in extra.items() if k not in alert.routing_labels}}
        matches = matcher(labels)
        for match in matches:
            for depth in range(len(match.path) + 1):
                reached.add(match.path[:depth])
        catch_all = all(match.path in ((), offset) for match in matches)
        outside = all(len(match.path) < len(offset) for match in matches)
        receivers = tuple(m.receiver for m in matches)
        alerts.append(AlertRouting(alert.name, labels, receivers, catch_all, alert.name_path, outside))
    unreachable = [
        (path[len(offset) :], route_spec_path(path[len(offset) :]))
        for path, _ in iter_routes(root)
        if path not in reached and path[: len(offset)] == offset
    ]
    return RouteReport(alerts, unreachable)


def format_routing(entry: AlertRouting) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in sorted(entry.labels.items()) if k != "alertname")
    note = "  (catch-all: no route matches)" if entry.catch_all else ""
    if entry.outside:
        note = "  (not routed by the spec: the AlertmanagerConfig only sees alerts with its namespace label)"
    return f"{entry.alert} {{{shown}}} -> {', '.join(entry.receivers)}{note}"
