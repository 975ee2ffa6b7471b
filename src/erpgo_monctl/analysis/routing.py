"""Alertmanager's route tree, evaluated in Python: which routes and receivers an alert reaches.

Semantics follow Alertmanager's `dispatch.Route.Match` exactly:

- the root route matches every alert;
- a route's children are tried in order; each child that matches contributes the
  routes *it* matched (recursively), and the search stops at the first matching
  child without `continue: true`;
- when no child matches, the route itself is the match;
- `receiver` and `group_by` are inherited from the parent when a route leaves them unset;
- matchers: `=`, `!=`, `=~`, `!~` (analysis/matchers.py: regexes anchored, an absent
  label is "").

`receivers_for(root, labels)` returns the receivers in match order, duplicates kept, as
`amtool config routes test` prints them. The tree is anything shaped like one (the Tree
and Branch protocols): the evaluator knows Alertmanager, not monctl's spec.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from erpgo_monctl.analysis.matchers import matches_all, parse_matcher

RoutePath = tuple[int, ...]  # child indexes from the root: () is the root, (1, 0) is routes[1].routes[0]


class Tree(Protocol):
    """The root of a route tree: it matches every alert (spec.alertmanager.RootRoute is one)."""

    @property
    def receiver(self) -> str | None: ...
    @property
    def group_by(self) -> Sequence[str] | None: ...
    @property
    def routes(self) -> Sequence[Branch]: ...


class Branch(Tree, Protocol):
    """A route below the root: a Tree with matchers and `continue` (spec.alertmanager.Route is one)."""

    @property
    def matchers(self) -> Sequence[str]: ...  # Alertmanager matcher texts: severity="critical"
    @property
    def continue_(self) -> bool: ...


@dataclass(frozen=True)
class RouteMatch:
    """One route an alert is dispatched through, with its inherited settings."""

    path: RoutePath
    receiver: str
    group_by: tuple[str, ...]
    group_by_from: RoutePath  # the route whose `group_by` is in effect (maybe an ancestor)


def matcher_label(matcher: str) -> str:
    """The label name a matcher text tests."""
    return parse_matcher(matcher).label


def matcher_matches(matcher: str, labels: Mapping[str, str]) -> bool:
    """Whether one matcher text (`severity="critical"`) matches a label set."""
    return parse_matcher(matcher).matches(labels)


def route_matches(route: Branch, labels: Mapping[str, str]) -> bool:
    """Whether every matcher of one route (not its parents) matches."""
    return matches_all(map(parse_matcher, route.matchers), labels)


@dataclass(frozen=True)
class _Inherited:
    receiver: str
    group_by: tuple[str, ...]
    group_by_from: RoutePath


def _match(
    route: Tree, path: RoutePath, parent: _Inherited | None, labels: Mapping[str, str]
) -> list[RouteMatch]:
    here = _Inherited(
        route.receiver or (parent.receiver if parent else ""),
        tuple(route.group_by) if route.group_by is not None else (parent.group_by if parent else ()),
        path if route.group_by is not None or parent is None else parent.group_by_from,
    )
    found: list[RouteMatch] = []
    for index, child in enumerate(route.routes):
        matched = _match(child, (*path, index), here, labels) if route_matches(child, labels) else []
        found.extend(matched)
        if matched and not child.continue_:
            break
    if not found:
        found.append(RouteMatch(path, here.receiver, here.group_by, here.group_by_from))
    return found


def match_routes(root: Tree, labels: Mapping[str, str]) -> list[RouteMatch]:
    """The routes an alert with `labels` is dispatched through, in Alertmanager's order."""
    return _match(root, (), None, labels)


class RouteMatcher:
    """match_routes over one tree for many alerts: alerts alike on the labels its matchers test
    (tested_labels) are dispatched alike, so each such signature is evaluated once."""

    def __init__(self, root: Tree) -> None:
        self.root = root
        self.tested = tested_labels(root)
        self._memo: dict[tuple[str | None, ...], list[RouteMatch]] = {}

    def __call__(self, labels: Mapping[str, str]) -> list[RouteMatch]:
        key = tuple(labels.get(name) for name in self.tested)
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = match_routes(self.root, labels)
        return list(found)


def receivers_for(root: Tree, labels: Mapping[str, str]) -> list[str]:
    """The receivers an alert with `labels` reaches, in order (as `amtool config routes test`)."""
    return [match.receiver for match in match_routes(root, labels)]


def route_at(root: Tree, path: RoutePath) -> Tree:
    """The route at `path` (child indexes from the root)."""
    route: Tree = root
    for index in path:
        route = route.routes[index]
    return route


def iter_routes(root: Tree) -> list[tuple[RoutePath, Branch]]:
    """Every non-root route with its path, depth first in declaration order."""
    found: list[tuple[RoutePath, Branch]] = []
    pending: list[tuple[RoutePath, Branch]] = [((i,), r) for i, r in reversed(list(enumerate(root.routes)))]
    while pending:
        path, route = pending.pop()
        found.append((path, route))
        pending.extend([((*path, i), r) for i, r in enumerate(route.routes)][::-1])
    return found


def tested_labels(root: Tree) -> tuple[str, ...]:
    """Every label name a route matcher tests, sorted: an alert's routing depends on these alone."""
    return tuple(sorted({matcher_label(m) for _, route in iter_routes(root) for m in route.matchers}))
