"""`monctl routes --target kubernetes`: the operator's merged tree, with the namespace label alerts carry."""

from __future__ import annotations

from collections.abc import Callable

from erpgo_monctl.render.kubernetes.routing import cluster_routing
from erpgo_monctl.report.routes import format_routing, route_report
from erpgo_monctl.resolve.model import Model


def test_receivers_are_the_operator_names(erpgo_model: Model) -> None:
    report = route_report(erpgo_model, "kubernetes")
    routed = {(a.alert, a.labels["severity"]): a.receivers for a in report.alerts}
    assert routed[("DiskSpaceLow", "critical")] == (
        "monitoring/erpgo/on-call",
        "monitoring/erpgo/devops-team",
    )
    assert routed[("NoOrdersCreated", "warning")] == ("monitoring/erpgo/business-team",)
    assert all(a.labels["namespace"] == "monitoring" for a in report.alerts)
    assert report.unreachable == []


def test_compose_and_kubernetes_reach_the_same_receivers(erpgo_model: Model) -> None:
    compose = route_report(erpgo_model).alerts
    cluster = route_report(erpgo_model, "kubernetes").alerts
    assert [tuple(f"monitoring/erpgo/{r}" for r in a.receivers) for a in compose] == [
        a.receivers for a in cluster
    ]


def test_without_the_namespace_label_no_alert_reaches_the_spec(minimal_model: Callable[..., Model]) -> None:
    model = minimal_model("kubernetes:\n  alertmanager: {namespace_label: false}\n")
    report = route_report(model, "kubernetes")
    assert [a.receivers for a in report.alerts] == [("null",)]
    assert report.alerts[0].outside
    assert "only sees alerts with its namespace label" in format_routing(report.alerts[0])
    assert report.unreachable == [((), ("alertmanager", "route"))]


def test_an_alert_with_its_own_namespace_label_keeps_it(minimal_model: Callable[..., Model]) -> None:
    own = "labels: {service: shop, namespace: other}"
    model = minimal_model(replace={"labels: {service: shop}": own})
    (alert,) = route_report(model, "kubernetes").alerts
    assert alert.labels["namespace"] == "other" and alert.receivers == ("null",)


def test_secret_mode_routes_by_the_spec_tree(minimal_model: Callable[..., Model]) -> None:
    model = minimal_model("kubernetes:\n  alertmanager: {mode: secret}\n")
    assert cluster_routing(model) is None
    assert [a.receivers for a in route_report(model, "kubernetes").alerts] == [("team",)]
