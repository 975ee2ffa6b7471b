"""Alertmanager's route tree, evaluated in Python: which routes and receivers an alert reaches.

Semantics follow Alertmanager's `dispatch.Route.Match` exactly:

- the root route matches every alert;
- a route's children are tried in order; each child that matches contributes the
  routes *it* matched (recursively), and the search stops at the first matching
  child without `continue: true`;
- when no child matches, the route itself is the match;
- `receiver` and `group_by` are inherited from the parent when a route leaves them unset;
- matchers: `=`, `!=`, `=~`, `!~`; regexes are anchored (`^(?:re)$`); an absent label has
  the value "" (so `team=""` matches alerts without `team`).

`receivers_for(root, labels)` returns the receivers in match order, duplicates kept, as
`amtool config routes test` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from erpgo_monctl.analysis.regex import full_match, re2_problem
from erpgo_monctl.spec.alertmanager import RootRoute, Route, parse_matcher

RoutePath = tuple[int, ...]  # child indexes from the root: () is the root, (1, 0) is routes[1].routes[0]


@dataclass(frozen=True)
class RouteMatch:
    """One route an alert is dispatched through, with its inherited settings."""

    path: RoutePath
    receiver: str
    group_by: tuple[str, ...]
    group_by_from: RoutePath  # the route whose `group_by` is in effect (maybe an ancestor)


def regex_problem(pattern: str) -> str | None:
    """Why Alertmanager refuses a `=~`/`!~` value (it compiles `^(?:value)$` with Go's RE2), or None."""
    return re2_problem(pattern)


@lru_cache(maxsize=1024)
def _parsed(matcher: str) -> tuple[str, str, str]:
    return parse_matcher(matcher)


def matcher_label(matcher: str) -> str:
    """The label name a matcher string tests."""
    return _parsed(matcher)[0]


def matcher_matches(matcher: str, labels: dict[str, str]) -> bool:
    """Whether one matcher string (`severity="critical"`) matches a label set."""
    name, op, value = _parsed(matcher)
    actual = labels.get(name, "")
    if op == "=":
        return actual == value
    if op == "!=":
        return actual != value
    found = full_match(value, actual)
    return found if op == "=~" else not found


def route_matches(route: Route, labels: dict[str, str]) -> bool:
    """Whether every matcher of one route (not its parents) matches."""
    return all(matcher_matches(m, labels) for m in route.matchers)


@dataclass(frozen=True)
class _Inherited:
    receiver: str
    group_by: tuple[str, ...]
    group_by_from: RoutePath


def _match(
    route: Route | RootRoute, path: RoutePath, parent: _Inherited | None, labels: dict[str, str]
) -> list[RouteMatch]:
    if isinstance(route, Route) and not route_matches(route, labels):
        return []
    here = _Inherited(
        route.receiver or (parent.receiver if parent else ""),
        tuple(route.group_by) if route.group_by is not None else (parent.group_by if parent else ()),
        path if route.group_by is not None or parent is None else parent.group_by_from,
    )
    found: list[RouteMatch] = []
    for index, child in enumerate(route.routes):
        matched = _match(child, (*path, index), here, labels)
        found.extend(matched)
        if matched and not child.continue_:
            break
    if not found:
        found.append(RouteMatch(path, here.receiver, here.group_by, here.group_by_from))
    return found


def match_routes(root: RootRoute, labels: dict[str, str]) -> list[RouteMatch]:
    """The routes an alert with `labels` is dispatched through, in Alertmanager's order."""
    return _match(root, (), None, labels)


class RouteMatcher:
    """match_routes over one tree for many alerts: alerts alike on the labels its matchers test
    (tested_labels) are dispatched alike, so each such signature is evaluated once."""

    def __init__(self, root: RootRoute) -> None:
        self.root = root
        self.tested = tested_labels(root)
        self._memo: dict[tuple[str | None, ...], list[RouteMatch]] = {}

    def __call__(self, labels: dict[str, str]) -> list[RouteMatch]:
        key = tuple(labels.get(name) for name in self.tested)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = match_routes(self.root, labels)
        return list(found)


def receivers_for(root: RootRoute, labels: dict[str, str]) -> list[str]:
    """The receivers an alert with `labels` reaches, in order (as `amtool config routes test`)."""
    return [match.receiver for match in match_routes(root, labels)]


def route_at(root: RootRoute, path: RoutePath) -> RootRoute | Route:
    """The route at `path` (child indexes from the root)."""
    route: RootRoute | Route = root
    for index in path:
        route = route.routes[index]
    return route


def iter_routes(root: RootRoute) -> list[tuple[RoutePath, Route]]:
    """Every non-root route with its path, depth first in declaration order."""
    found: list[tuple[RoutePath, Route]] = []
    pending: list[tuple[RoutePath, Route]] = [((i,), r) for i, r in reversed(list(enumerate(root.routes)))]
    while pending:
        path, route = pending.pop()
        found.append((path, route))
        pending.extend([((*path, i), r) for i, r in enumerate(route.routes)][::-1])
    return found


def tested_labels(root: RootRoute) -> tuple[str, ...]:
    """Every label name a route matcher tests, sorted: an alert's routing depends on these alone."""
    return tuple(sorted({matcher_label(m) for _, route in iter_routes(root) for m in route.matchers}))


def spec_path(path: RoutePath) -> tuple[str | int, ...]:
    """The spec location of a route: ("alertmanager", "route", "routes", 1, "routes", 0)."""
    parts: list[str | int] = ["alertmanager", "route"]
    for index in path:
        parts += ["routes", index]
    return tuple(parts)
