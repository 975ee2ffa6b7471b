"""`monctl routes`: the receivers every alert reaches, routes no alert reaches, catch-all fall-through.

An alert's routing labels are the ones the spec knows statically: `alertname`, `severity`
and the rule's labels (SLO burn alerts included). Labels that only the expression
produces at run time (instance, job ...) are unknown here, so a route matching on them
is reported as reached by no alert of the spec — true as far as the spec can tell.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from erpgo_monctl.analysis.routing import RouteMatcher, RoutePath, iter_routes, route_at
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.resolve.time_intervals import silenced_by
from erpgo_monctl.spec.alertmanager import RootRoute, Route, route_spec_path


@dataclass(frozen=True)
class AlertRouting:
    alert: str
    labels: dict[str, str]
    receivers: tuple[str, ...]
    catch_all: bool  # reached only the root route's receiver
    spec_path: PathKey
    outside: bool = False  # kubernetes: never entered the spec's routes (no namespace label)
    silenced: tuple[str | None, ...] = ()  # per receiver, why it is silent at --at TIME (None: it sends)


@dataclass(frozen=True)
class RouteReport:
    alerts: list[AlertRouting]
    unreachable: list[tuple[RoutePath, PathKey]]


def route_report(model: Model, target: str = "compose", at: datetime | None = None) -> RouteReport:
    """Where each alert goes, and which routes nothing reaches; with `at`, which routes are silent then.

    With target kubernetes (AlertmanagerConfig mode) the tree is the operator's merge: the spec's
    root route is the first child of the cluster's root, entered only with the namespace label.
    """
    root = spec_root = model.spec.alertmanager.route
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
        silenced: tuple[str | None, ...] = ()
        if at is not None:
            silenced = tuple(_silenced(spec_root, m.path[len(offset) :], model, at) for m in matches)
        receivers = tuple(m.receiver for m in matches)
        alerts.append(
            AlertRouting(alert.name, labels, receivers, catch_all, alert.name_path, outside, silenced)
        )
    unreachable = [
        (path[len(offset) :], route_spec_path(path[len(offset) :]))
        for path, _ in iter_routes(root)
        if path not in reached and path[: len(offset)] == offset
    ]
    return RouteReport(alerts, unreachable)


def _silenced(root: RootRoute, path: RoutePath, model: Model, at: datetime) -> str | None:
    """Why the spec's route at `path` sends nothing at `at` (the root route has no intervals), or None."""
    if path == ():
        return None
    found = route_at(root, path)
    assert isinstance(found, Route)
    return silenced_by(found, model.time_intervals, at)


def format_routing(entry: AlertRouting) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in sorted(entry.labels.items()) if k != "alertname")
    note = "  (catch-all: no route matches)" if entry.catch_all else ""
    receivers = [
        f"{receiver} ({why})" if why else receiver
        for receiver, why in zip(
            entry.receivers, entry.silenced or (None,) * len(entry.receivers), strict=True
        )
    ]
    if entry.outside:
        note = "  (not routed by the spec: the AlertmanagerConfig only sees alerts with its namespace label)"
    return f"{entry.alert} {{{shown}}} -> {', '.join(receivers)}{note}"


def parse_instant(text: str) -> datetime | None:
    """An ISO 8601 time; without a zone it is UTC. None when it is not one."""
    from datetime import UTC

    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)
