"""`monctl routes`: the receivers every alert reaches, routes no alert reaches, catch-all fall-through.

An alert's routing labels are the ones the spec knows: `alertname`, `severity` and the rule's
labels (SLO burn alerts included), plus the series labels its expression keeps with a known
value — a label every selector pins with `label="value"` (`up{job="node"}`), and the static
`labels:` of the scrape job it selects that way. A route that matches on a series label
(`job`, `instance`, a scrape job's labels, a label an expression pins) may be reached by series
the spec cannot enumerate, so it is never reported as unreachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from erpgo_monctl.analysis.promql import parse
from erpgo_monctl.analysis.promql_ast import equality_matchers, selectors
from erpgo_monctl.analysis.promql_labels import output_labels
from erpgo_monctl.analysis.routing import (
    RouteMatcher,
    RoutePath,
    iter_routes,
    matcher_label,
    matcher_matches,
    route_at,
)
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

    Without `alertmanager:` alerts go nowhere but Prometheus' own alerts page: the report is empty.

    With target kubernetes (AlertmanagerConfig mode) the tree is the operator's merge: the spec's
    root route is the first child of the cluster's root, entered only with the namespace label.
    """
    if model.spec.alertmanager is None:  # alerts go nowhere but Prometheus' own alerts page
        return RouteReport([], [])
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
        known = {**series_labels(model, alert.expr), **alert.routing_labels}
        labels = {**known, **{k: v for k, v in extra.items() if k not in known}}
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
    runtime = _series_label_names(model)
    unreachable = [
        (path[len(offset) :], route_spec_path(path[len(offset) :]))
        for path, _ in iter_routes(root)
        if path not in reached and path[: len(offset)] == offset and not _tests_any(root, path, runtime)
    ]
    return RouteReport(alerts, unreachable)


def series_labels(model: Model, expr: str) -> dict[str, str]:
    """Labels an alert's series carry with a value the spec knows, when the expression keeps them."""
    tree, _ = parse(expr)
    if tree is None:
        return {}
    pinned = [equality_matchers(selector) for selector in selectors(tree)]
    if not pinned:
        return {}
    common = {k: v for k, v in pinned[0].items() if all(p.get(k) == v for p in pinned[1:])}
    kept = output_labels(tree)
    found = {k: v for k, v in common.items() if not kept.lacks(k)}
    for job in model.scrape_jobs:
        if job.name == found.get("job"):
            found.update((k, v) for k, v in job.labels.items() if k not in found and not kept.lacks(k))
    return found


@dataclass(frozen=True)
class SeriesLabels:
    """What the spec knows of series labels: the values scrape jobs give, and labels only apps set."""

    scrape_values: dict[str, set[str]]  # job, instance and scrape jobs' labels -> every value they take
    app_labels: frozenset[str]  # labels expressions pin that no scrape job sets (values unknown)

    def may_match(self, matcher: str) -> bool:
        """True when a series may carry a value of the label `matcher` tests that it accepts."""
        label = matcher_label(matcher)
        if label in self.scrape_values:
            return any(matcher_matches(matcher, {label: value}) for value in self.scrape_values[label])
        return label in self.app_labels


def _series_label_names(model: Model) -> SeriesLabels:
    # instance: the target address unless relabelled or federated; its values are not judged
    values: dict[str, set[str]] = {"job": set()}
    for job in model.scrape_jobs:
        values["job"].add(job.name)
        for key, value in job.labels.items():
            values.setdefault(key, set()).add(value)
    pinned: set[str] = set()
    for alert in model.alerts:
        tree, _ = parse(alert.expr)
        if tree is not None:
            for selector in selectors(tree):
                pinned.update(equality_matchers(selector))
    static = {"alertname", "severity"} | {k for a in model.alerts for k in a.source.labels}
    return SeriesLabels(values, frozenset((pinned | {"instance"}) - set(values) - static))


def _tests_any(root: RootRoute, path: RoutePath, series: SeriesLabels) -> bool:
    """True when a matcher on the way to the route at `path` may match a label only series carry."""
    for depth in range(1, len(path) + 1):
        route = route_at(root, path[:depth])
        if isinstance(route, Route) and any(series.may_match(m) for m in route.matchers):
            return True
    return False


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
