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
    silenced: tuple[str | None, ...] = ()  # per receiver, why it is silent at --at TIME (None: it sends)


@dataclass(frozen=True)
class RouteReport:
    alerts: list[AlertRouting]
    unreachable: list[tuple[RoutePath, PathKey]]


def route_report(model: Model, at: datetime | None = None) -> RouteReport:
    """Where each alert goes, and which routes nothing reaches; with `at`, which routes are silent then."""
    root = model.spec.alertmanager.route
    intervals = model.time_intervals
    reached: set[RoutePath] = set()
    alerts: list[AlertRouting] = []
    matcher = RouteMatcher(root)  # alerts alike on the labels routes test are routed once
    for alert in model.alerts:
        name, labels, path = alert.name, alert.routing_labels, alert.name_path
        matches = matcher(labels)
        for match in matches:
            for depth in range(len(match.path) + 1):
                reached.add(match.path[:depth])
        catch_all = all(match.path == () for match in matches)
        silenced: tuple[str | None, ...] = ()
        if at is not None:
            silenced = tuple(
                None if m.path == () else silenced_by(_route(root, m.path), intervals, at) for m in matches
            )
        receivers = tuple(m.receiver for m in matches)
        alerts.append(AlertRouting(name, labels, receivers, catch_all, path, silenced))
    unreachable = [(path, route_spec_path(path)) for path, _ in iter_routes(root) if path not in reached]
    return RouteReport(alerts, unreachable)


def _route(root: RootRoute, path: RoutePath) -> Route:
    found = route_at(root, path)
    assert isinstance(found, Route)
    return found


def format_routing(entry: AlertRouting) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in sorted(entry.labels.items()) if k != "alertname")
    note = "  (catch-all: no route matches)" if entry.catch_all else ""
    receivers = [
        f"{receiver} ({why})" if why else receiver
        for receiver, why in zip(
            entry.receivers, entry.silenced or (None,) * len(entry.receivers), strict=True
        )
    ]
    return f"{entry.alert} {{{shown}}} -> {', '.join(receivers)}{note}"


def parse_instant(text: str) -> datetime | None:
    """An ISO 8601 time; without a zone it is UTC. None when it is not one."""
    from datetime import UTC

    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)
