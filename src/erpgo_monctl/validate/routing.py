"""The route tree does what it says: regexes compile, and alerts reach the routes meant for them.

A route is *meant for* an alert when every matcher on the way to it tests one of the
alert's static labels (alertname, severity, labels) and matches. If the alert never
reaches such a route (an earlier sibling without `continue: true` takes it first),
that is almost always a mistake in the tree's order: W317.
"""

from __future__ import annotations

from collections.abc import Sequence

from erpgo_monctl.analysis.matchers import parse_matcher, regex_problem
from erpgo_monctl.analysis.routing import (
    Branch,
    RoutePath,
    Tree,
    iter_routes,
    match_routes,
    matcher_label,
    route_at,
    route_matches,
    tested_labels,
)
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.spec.alertmanager import route_spec_path

from .alert_labels import AlertInfo, Signature, alerts, signature
from .context import Context

MAX_EVALUATIONS = 200_000  # distinct alert label sets x routes beyond which shadowing is not analysed


def _regexes(ctx: Context) -> list[Diagnostic]:
    am = ctx.model.spec.alertmanager
    assert am is not None
    lists: list[tuple[PathKey, Sequence[str]]] = [
        ((*route_spec_path(path), "matchers"), route.matchers) for path, route in iter_routes(am.route)
    ]
    for r, rule in enumerate(am.inhibit_rules):
        lists.append((("alertmanager", "inhibit_rules", r, "source_matchers"), rule.source_matchers))
        lists.append((("alertmanager", "inhibit_rules", r, "target_matchers"), rule.target_matchers))
    found = []
    for where, matchers in lists:
        for m, matcher in enumerate(matchers):
            parsed = parse_matcher(matcher)
            problem = regex_problem(parsed.value) if parsed.is_regex else None
            if problem:
                found.append(
                    ctx.diag(
                        (*where, m),
                        "E314",
                        f"{matcher}: {parsed.value!r} is not a valid regular expression: {problem} "
                        "(Alertmanager anchors it as ^(?:...)$); escape special "
                        r"characters, e.g. service=~\"api\\.v1|web\"",
                    )
                )
    return found


def _describe(path: RoutePath, route: Branch, receiver: str) -> str:
    where = "route" + "".join(f".routes[{i}]" for i in path)
    matchers = ", ".join(route.matchers)
    return f"{where} ({matchers} -> {receiver})"


def _meant_for(route_path: RoutePath, root: Tree, info: AlertInfo) -> bool:
    route: Tree | Branch = root
    tested = False
    for index in route_path:
        route = route.routes[index]
        if not all(matcher_label(m) in info.labels for m in route.matchers):
            return False
        if not route_matches(route, info.labels):
            return False
        tested = tested or bool(route.matchers)
    return tested


def _culprit(route_path: RoutePath, root: Tree, info: AlertInfo) -> tuple[RoutePath, Branch] | None:
    """The earlier sibling (of the route or an ancestor) that takes the alert and stops the search."""
    parent: Tree = root
    for depth, index in enumerate(route_path):
        for earlier in range(index):
            sibling = parent.routes[earlier]
            if not sibling.continue_ and route_matches(sibling, info.labels):
                return (*route_path[:depth], earlier), sibling
        parent = parent.routes[index]
    return None


def _effective_receiver(root: Tree, path: RoutePath) -> str:
    receiver = root.receiver or ""
    for depth in range(1, len(path) + 1):
        receiver = route_at(root, path[:depth]).receiver or receiver
    return receiver


def _misses(
    root: Tree, routes: list[tuple[RoutePath, Branch]], receivers: dict[RoutePath, str], info: AlertInfo
) -> list[tuple[RoutePath, Branch, str, str]]:
    """(route, its receiver, what takes the alert first) for each route meant for `info` it never reaches."""
    reached = {m.path for m in match_routes(root, info.labels)}
    reached_receivers = {receivers[p] if p else root.receiver for p in reached}
    misses = []
    for path, route in routes:
        receiver = receivers[path]
        if any(p[: len(path)] == path for p in reached) or receiver in reached_receivers:
            continue
        if not _meant_for(path, root, info):
            continue
        culprit = _culprit(path, root, info)
        if culprit is None:
            continue
        culprit_path, culprit_route = culprit
        misses.append(
            (path, route, receiver, _describe(culprit_path, culprit_route, receivers[culprit_path]))
        )
    return misses


def _shadowed(ctx: Context, infos: list[AlertInfo]) -> list[Diagnostic]:
    assert ctx.model.spec.alertmanager is not None
    root = ctx.model.spec.alertmanager.route
    routes = iter_routes(root)
    tested = tested_labels(root)
    # Routing reads only the labels route matchers test: alerts alike on those are analysed once.
    alike: dict[Signature, list[AlertInfo]] = {}
    for info in infos:
        alike.setdefault(signature(info.labels, tested), []).append(info)
    if len(routes) * max(len(alike), 1) > MAX_EVALUATIONS:
        return []
    receivers = {path: _effective_receiver(root, path) for path, _ in routes}
    found: list[Diagnostic] = []
    for members in alike.values():
        for path, route, receiver, first in _misses(root, routes, receivers, members[0]):
            found.extend(
                ctx.diag(
                    info.path,
                    "W317",
                    f"alert {info.describe()} is meant for {_describe(path, route, receiver)} "
                    f"but never reaches it: {first} matches first and has no `continue: true`; "
                    f"add `continue: true` there or move the route for {receiver!r} before it",
                    "warning",
                )
                for info in members
            )
    return found


def check(ctx: Context) -> list[Diagnostic]:
    if ctx.model.spec.alertmanager is None:
        return []
    return _regexes(ctx) + _shadowed(ctx, alerts(ctx))
