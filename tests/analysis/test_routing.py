"""The route-tree evaluator matches Alertmanager: unit cases, then amtool itself on a tricky tree."""

from __future__ import annotations

import itertools
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from erpgo_monctl.analysis.routing import (
    RouteMatch,
    iter_routes,
    match_routes,
    receivers_for,
    route_at,
)
from erpgo_monctl.render.alertmanager import render
from erpgo_monctl.spec.alertmanager import RootRoute, route_spec_path
from tests.conftest import need
from tests.validate.builder import minimal, model

TREE: dict[str, Any] = {
    "receiver": "default",
    "group_by": ["alertname"],
    "routes": [
        {"matchers": ['severity="critical"'], "receiver": "pager", "continue": True, "group_by": ["service"]},
        {
            "matchers": ['service=~"db|cache"'],
            "receiver": "dba",
            "routes": [
                {"matchers": ['severity="warning"', 'env!="dev"'], "receiver": "dba-ticket"},
                {"matchers": ['alertname!~"Backup.*"']},  # no receiver: inherits dba
            ],
        },
        {"matchers": ['team=""'], "receiver": "unowned"},
        {"matchers": ['service="web"'], "receiver": "web"},
    ],
}


def _root(tree: dict[str, Any] = TREE) -> RootRoute:
    return RootRoute.model_validate(tree)


@pytest.mark.parametrize(
    ("labels", "receivers"),
    [
        ({"alertname": "Up", "severity": "critical", "service": "db"}, ["pager", "dba"]),
        ({"alertname": "Up", "severity": "warning", "service": "db"}, ["dba-ticket"]),
        ({"alertname": "Up", "severity": "warning", "service": "db", "env": "dev"}, ["dba"]),
        ({"alertname": "BackupFailed", "severity": "info", "service": "cache"}, ["dba"]),
        ({"alertname": "Up", "severity": "info", "service": "dbx", "team": "x"}, ["default"]),
        ({"alertname": "Up", "severity": "info", "service": "web"}, ["unowned"]),
        ({"alertname": "Up", "severity": "info", "service": "web", "team": "web"}, ["web"]),
        ({"alertname": "Up", "severity": "critical", "team": "web"}, ["pager"]),
    ],
)
def test_receivers_follow_alertmanager_semantics(labels: dict[str, str], receivers: list[str]) -> None:
    assert receivers_for(_root(), labels) == receivers


def test_matches_carry_inherited_group_by_and_where_it_was_set() -> None:
    matches = match_routes(
        _root(), {"alertname": "X", "severity": "critical", "service": "db", "env": "prod"}
    )
    assert matches == [
        RouteMatch((0,), "pager", ("service",), (0,)),
        RouteMatch((1, 1), "dba", ("alertname",), ()),
    ]


def test_regexes_are_anchored_and_invalid_ones_never_match() -> None:
    root = _root(
        {
            "receiver": "default",
            "routes": [
                {"matchers": ['service=~"api"'], "receiver": "api"},
                {"matchers": ['service=~"(broken"'], "receiver": "broken"},
                {"matchers": ['service!~"(broken"'], "receiver": "negated"},
            ],
        }
    )
    assert receivers_for(root, {"service": "api-gateway"}) == ["negated"]
    assert receivers_for(root, {"service": "api"}) == ["api"]


def test_route_helpers_walk_the_tree_in_declaration_order() -> None:
    root = _root()
    assert [path for path, _ in iter_routes(root)] == [(0,), (1,), (1, 0), (1, 1), (2,), (3,)]
    assert route_at(root, (1, 0)).receiver == "dba-ticket"
    assert route_spec_path((1, 0)) == ("alertmanager", "route", "routes", 1, "routes", 0)


def test_any_tree_shaped_object_is_evaluated_not_only_the_spec_models() -> None:
    @dataclass(frozen=True)
    class Node:
        receiver: str | None = None
        group_by: tuple[str, ...] | None = None
        matchers: tuple[str, ...] = ()
        continue_: bool = False
        routes: tuple[Node, ...] = ()

    root = Node("default", ("alertname",), routes=(Node("pager", matchers=('severity="critical"',)),))
    assert receivers_for(root, {"severity": "critical"}) == ["pager"]
    assert match_routes(root, {"severity": "info"}) == [RouteMatch((), "default", ("alertname",), ())]


def test_every_label_combination_routes_as_amtool_says(tmp_path: Path) -> None:
    amtool = need("amtool")
    data = minimal()
    data["alertmanager"]["route"] = TREE
    data["alertmanager"]["receivers"] = [
        {"name": name, "webhook": [{"url": f"http://{name}:80/"}]}
        for name in ("default", "pager", "dba", "dba-ticket", "unowned", "web")
    ]
    files = render(model(data))
    config = tmp_path / "alertmanager.yml"
    config.write_bytes(next(content for path, content in files.items() if path.name == "alertmanager.yml"))
    root = model(data).spec.alertmanager.route
    values = {
        "alertname": ["Up", "BackupFailed"],
        "severity": ["critical", "warning"],
        "service": ["db", "cache", "web", None],
        "env": ["dev", None],
        "team": ["web", None],
    }
    for combo in itertools.product(*values.values()):
        labels = {k: v for k, v in zip(values, combo, strict=True) if v is not None}
        args = [f"{k}={v}" for k, v in sorted(labels.items())]
        proc = subprocess.run(
            [amtool, "config", "routes", "test", f"--config.file={config}", *args],
            capture_output=True,
            text=True,
            check=True,
        )
        assert proc.stdout.strip().split(",") == receivers_for(root, labels), labels
