"""PrometheusRules: one per rule group, the compose groups unchanged but for interval and namespace label."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from erpgo_monctl.pipeline import load_model, render_model
from erpgo_monctl.render.kubernetes import render
from erpgo_monctl.render.kubernetes.resources import object_name, unique_names
from erpgo_monctl.resolve.model import Model
from tests.render.kubernetes.conftest import MINIMAL, Tree, load, resources


def compose_groups(model: Model) -> dict[str, dict[str, object]]:
    tree = render_model(model)
    found = {}
    for name in ("alert_rules.yml", "recording_rules.yml", "slo_rules.yml", "probe_rules.yml"):
        path = next((p for p in tree if p.name == name), None)
        if path is not None:
            found.update({group["name"]: group for group in load(tree[path])["groups"]})
    return found


def test_one_prometheus_rule_per_rule_group(erpgo_model: Model, erpgo_kubernetes: Tree) -> None:
    rules = resources(erpgo_kubernetes, "PrometheusRule")
    groups = {name: rule["spec"]["groups"] for name, rule in rules.items()}
    assert all(len(held) == 1 for held in groups.values())
    assert sorted(held[0]["name"] for held in groups.values()) == sorted(compose_groups(erpgo_model))
    assert rules["slo-api-availability"]["spec"]["groups"][0]["name"] == "slo-api-availability"


def test_groups_are_the_compose_groups_with_interval_and_namespace_label(
    erpgo_model: Model, erpgo_kubernetes: Tree
) -> None:
    compose = compose_groups(erpgo_model)
    for rule in resources(erpgo_kubernetes, "PrometheusRule").values():
        group = rule["spec"]["groups"][0]
        expected = compose[group["name"]]
        assert group["interval"] == expected.get("interval", "15s")  # erpgo's evaluation_interval
        for got, want in zip(group["rules"], expected["rules"], strict=True):
            if "alert" in want:
                assert got["labels"] == {**want["labels"], "namespace": "monitoring"}
                assert {**got, "labels": want["labels"]} == want
            else:
                assert got == want


def test_no_namespace_label_in_secret_mode(minimal_model: Callable[..., Model]) -> None:
    model = minimal_model("kubernetes:\n  alertmanager: {mode: secret}\n")
    group = resources(render(model), "PrometheusRule")["shop"]["spec"]["groups"][0]
    assert group["rules"][0]["labels"] == {"severity": "critical", "service": "shop"}


def test_an_alert_keeps_its_own_namespace_label(minimal_model: Callable[..., Model]) -> None:
    own = "labels: {service: shop, namespace: shop-prod}"
    model = minimal_model(replace={"labels: {service: shop}": own})
    group = resources(render(model), "PrometheusRule")["shop"]["spec"]["groups"][0]
    assert group["rules"][0]["labels"]["namespace"] == "shop-prod"


def test_resources_carry_namespace_and_selector_labels(minimal_model: Callable[..., Model]) -> None:
    model = minimal_model("kubernetes:\n  namespace: observability\n  labels: {release: prom}\n")
    rule = resources(render(model), "PrometheusRule")["shop"]
    assert rule["metadata"]["namespace"] == "observability"
    assert rule["metadata"]["labels"] == {
        "release": "prom",
        "app.kubernetes.io/managed-by": "monctl",
        "app.kubernetes.io/part-of": "shop",
    }


def test_environment_overlay_sets_kubernetes_settings(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    overlay = (
        "kubernetes:\n  namespace: base\nenvironments:\n  staging:\n    kubernetes: {namespace: staging}\n"
    )
    spec.write_text(MINIMAL.read_text(encoding="utf-8") + overlay, encoding="utf-8")
    model, _ = load_model(spec, "staging")
    assert resources(render(model), "PrometheusRule")["shop"]["metadata"]["namespace"] == "staging"


def test_group_names_become_distinct_object_names() -> None:
    names = [object_name(n) for n in ("Shop_API", "shop-api", "shop.rules", "..x..", "!!")]
    assert names == ["shop-api", "shop-api", "shop.rules", "x", "unnamed"]
    assert unique_names(names) == ["shop-api", "shop-api-2", "shop.rules", "x", "unnamed"]


def test_colliding_group_names_render_two_resources(minimal_model: Callable[..., Model]) -> None:
    model = minimal_model(replace={"- name: shop.rules": "- name: shop"})
    rules = resources(render(model), "PrometheusRule")
    assert sorted(rules) == ["shop", "shop-2"]
