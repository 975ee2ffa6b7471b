"""Grafana ConfigMaps: the compose dashboards byte for byte, datasources with in-cluster URLs."""

from __future__ import annotations

import json

from tests.render.kubernetes.conftest import Tree, load, resources


def test_one_labelled_config_map_per_compose_dashboard(rendered: Tree, erpgo_kubernetes: Tree) -> None:
    compose = {p.name: c for p, c in rendered.items() if p.parts[:3] == ("configs", "grafana", "dashboards")}
    maps = {
        name: cm
        for name, cm in resources(erpgo_kubernetes, "ConfigMap").items()
        if name.startswith("grafana-dashboard-")
    }
    assert len(maps) == len(compose) == 3
    for config_map in maps.values():
        assert config_map["metadata"]["labels"]["grafana_dashboard"] == "1"
        assert config_map["metadata"]["annotations"] == {"grafana_folder": "ERPGo"}
        ((key, text),) = config_map["data"].items()
        assert text.encode() == compose[key]
        assert json.loads(text)["uid"] == key.removesuffix(".json")


def test_datasources_config_map_has_in_cluster_urls(rendered: Tree, erpgo_kubernetes: Tree) -> None:
    compose = load(next(c for p, c in rendered.items() if p.name == "datasources.yml"))
    config_map = resources(erpgo_kubernetes, "ConfigMap")["grafana-datasources-erpgo"]
    assert config_map["metadata"]["labels"]["grafana_datasource"] == "1"
    datasources = load(config_map["data"]["datasources.yaml"].encode())["datasources"]
    assert [d["uid"] for d in datasources] == [d["uid"] for d in compose["datasources"]]
    urls = {d["uid"]: d["url"] for d in datasources}
    assert urls["prometheus"] == "http://prometheus-operated.monitoring.svc:9090"
    assert urls["alertmanager"] == "http://alertmanager-operated.monitoring.svc:9093"
    assert urls["loki"] == "http://loki.monitoring.svc:3100"
