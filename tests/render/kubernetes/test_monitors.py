"""ServiceMonitor, PodMonitor and Probe where they scrape just what prometheus.yml does; else ScrapeConfig."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from erpgo_monctl.pipeline import load_model
from erpgo_monctl.render.kubernetes import render
from erpgo_monctl.render.kubernetes.monitors import label_selector
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.write import write_tree
from tests.conftest import REPO, need
from tests.render.kubernetes.conftest import MINIMAL, Tree, resources

runner = CliRunner()

ENDPOINTS_JOB = """targets: ["api:8080"]
  - name: orders
    kubernetes_sd:
      - role: endpoints
        namespaces: {names: [shop, shop-canary]}
        selectors:
          - role: service
            label: "app=orders,tier!=test,env in (prod,stage),!legacy"
    relabel_configs:
      - action: keep
        source_labels: [__meta_kubernetes_endpoint_port_name]
        regex: http-metrics
      - source_labels: [__meta_kubernetes_pod_node_name]
        target_label: node
    metric_relabel_configs:
      - action: drop
        source_labels: [__name__]
        regex: go_gc_.*
  - name: sidecars
    kubernetes_sd:
      - role: pod
        selectors: [{role: pod, label: "app.kubernetes.io/name=sidecar"}]
  - name: same-namespace
    kubernetes_sd:
      - role: endpoints
        namespaces: {own_namespace: true}
  - name: by-field
    kubernetes_sd:
      - role: pod
        selectors: [{role: pod, field: "spec.nodeName=a"}]
  - name: nodes
    kubernetes_sd:
      - role: node"""


@pytest.fixture
def discovered(minimal_model: Callable[..., Model]) -> Tree:
    return render(minimal_model(replace={'targets: ["api:8080"]': ENDPOINTS_JOB}))


def test_label_selector_string_becomes_a_label_selector_object() -> None:
    assert label_selector("app=orders,tier!=test,env in (prod, stage),!legacy,canary") == {
        "matchLabels": {"app": "orders"},
        "matchExpressions": [
            {"key": "tier", "operator": "NotIn", "values": ["test"]},
            {"key": "env", "operator": "In", "values": ["prod", "stage"]},
            {"key": "legacy", "operator": "DoesNotExist"},
            {"key": "canary", "operator": "Exists"},
        ],
    }
    assert label_selector("app==a,team notin (x)") == {
        "matchLabels": {"app": "a"},
        "matchExpressions": [{"key": "team", "operator": "NotIn", "values": ["x"]}],
    }
    assert label_selector(None) == {}


@pytest.mark.parametrize("text", ["app=a,app=b", "env in ()", "a=(b", "a b c", "x in (a"])
def test_a_selector_not_expressible_as_one_object_is_none(text: str) -> None:
    assert label_selector(text) is None


def test_endpoints_discovery_with_a_service_selector_is_a_service_monitor(discovered: Tree) -> None:
    monitor = resources(discovered, "ServiceMonitor")["orders"]
    spec = monitor["spec"]
    assert spec["selector"] == {
        "matchLabels": {"app": "orders"},
        "matchExpressions": [
            {"key": "tier", "operator": "NotIn", "values": ["test"]},
            {"key": "env", "operator": "In", "values": ["prod", "stage"]},
            {"key": "legacy", "operator": "DoesNotExist"},
        ],
    }
    assert spec["namespaceSelector"] == {"matchNames": ["shop", "shop-canary"]}
    (endpoint,) = spec["endpoints"]
    assert endpoint["port"] == "http-metrics"  # the first keep on the port name, lifted
    assert endpoint["relabelings"] == [
        {"sourceLabels": ["__meta_kubernetes_pod_node_name"], "targetLabel": "node", "action": "replace"},
        {"targetLabel": "job", "replacement": "orders", "action": "replace"},  # the spec's job label
    ]
    assert endpoint["metricRelabelings"] == [
        {"sourceLabels": ["__name__"], "regex": "go_gc_.*", "action": "drop"}
    ]
    assert (endpoint["path"], endpoint["interval"], endpoint["scrapeTimeout"]) == ("/metrics", "15s", "10s")


def test_pod_discovery_is_a_pod_monitor_watching_every_namespace(discovered: Tree) -> None:
    spec = resources(discovered, "PodMonitor")["sidecars"]["spec"]
    assert spec["selector"] == {"matchLabels": {"app.kubernetes.io/name": "sidecar"}}
    assert spec["namespaceSelector"] == {"any": True}  # Prometheus' discovery without namespaces
    (endpoint,) = spec["podMetricsEndpoints"]
    assert "port" not in endpoint  # every port, as prometheus.yml's job scrapes
    job_label = {"targetLabel": "job", "replacement": "sidecars", "action": "replace"}
    assert endpoint["relabelings"][-1] == job_label


def test_what_a_monitor_cannot_say_stays_a_scrape_config(discovered: Tree) -> None:
    configs = resources(discovered, "ScrapeConfig")
    assert set(configs) >= {"shop-api", "same-namespace", "by-field", "nodes"}
    assert configs["same-namespace"]["spec"]["kubernetesSDConfigs"] == [
        {"role": "Endpoints", "namespaces": {"ownNamespace": True}}
    ]
    assert configs["by-field"]["spec"]["kubernetesSDConfigs"] == [
        {"role": "Pod", "selectors": [{"role": "Pod", "field": "spec.nodeName=a"}]}
    ]
    assert configs["nodes"]["spec"]["kubernetesSDConfigs"] == [{"role": "Node"}]
    assert not set(configs) & {"orders", "sidecars"}


def test_probe_jobs_are_probes_asking_the_cluster_blackbox_exporter(erpgo_kubernetes: Tree) -> None:
    probe = resources(erpgo_kubernetes, "Probe")["probe-public-api"]["spec"]
    assert probe["jobName"] == "probe-public-api"
    assert probe["module"] == "https_2xx"
    assert probe["prober"] == {"url": "blackbox-exporter.monitoring.svc:9115", "path": "/probe"}
    static = {"static": ["https://api.erpgo.example.com/health"], "labels": {"service": "erpgo-api"}}
    assert probe["targets"] == {"staticConfig": static}
    assert "probe-public-api" not in resources(erpgo_kubernetes, "ScrapeConfig")


def test_scrape_secrets_are_references_and_plain_values_a_rendered_secret(
    minimal_model: Callable[..., Model],
) -> None:
    job = """targets: ["api:8080"]
    scheme: https
    tls_config: {ca_file: ca.pem, cert_file: scrape.crt, key_file: scrape.key}
    basic_auth: {username: prometheus, password_file: api_password}"""
    tree = render(minimal_model(replace={'targets: ["api:8080"]': job}))
    spec = resources(tree, "ScrapeConfig")["shop-api"]["spec"]
    assert spec["basicAuth"] == {
        "username": {"name": "shop-scrape-values", "key": "shop-api.username"},
        "password": {"name": "shop-scrape-secrets", "key": "api_password"},
    }
    assert spec["tlsConfig"] == {
        "ca": {"secret": {"name": "shop-scrape-secrets", "key": "ca.pem"}},
        "cert": {"secret": {"name": "shop-scrape-secrets", "key": "scrape.crt"}},
        "keySecret": {"name": "shop-scrape-secrets", "key": "scrape.key"},
    }
    values = resources(tree, "Secret")["shop-scrape-values"]
    assert values["stringData"] == {"shop-api.username": "prometheus"}  # the spec's plain values only


def test_the_scrape_secret_and_blackbox_exporter_are_settings(minimal_model: Callable[..., Model]) -> None:
    extra = "kubernetes:\n  scrape: {secret_name: my-scrape, blackbox_exporter: 'bb.probes.svc:9115'}\n"
    job = 'targets: ["api:8080"]\n    basic_auth: {username: p, password_file: pw}'
    tree = render(minimal_model(extra, replace={'targets: ["api:8080"]': job}))
    spec = resources(tree, "ScrapeConfig")["shop-api"]["spec"]
    assert spec["basicAuth"]["password"] == {"name": "my-scrape", "key": "pw"}


def _check(spec_text: str, tmp_path: Path) -> Any:
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text, encoding="utf-8")
    model, _ = load_model(spec)  # the spec is valid as a user would write it
    out = tmp_path / "out"
    write_tree(render(model), out)
    return runner.invoke(app, ["check", str(out)])


def test_monitors_pass_the_operator_schemas_with_unknown_fields_refused(tmp_path: Path) -> None:
    need("promtool")
    text = MINIMAL.read_text(encoding="utf-8").replace('targets: ["api:8080"]', ENDPOINTS_JOB)
    result = _check(text, tmp_path)
    assert result.exit_code == 0, result.stderr
    names = {p.name for p in (tmp_path / "out").iterdir()}
    assert {"servicemonitor-orders.yaml", "podmonitor-sidecars.yaml", "scrapeconfig-nodes.yaml"} <= names


def test_every_discovery_and_security_setting_passes_the_scrape_config_schema(tmp_path: Path) -> None:
    """tests/cases/features/everything.yaml: all discoveries, relabel actions, TLS, auth, OAuth2, probes."""
    need("promtool")
    need("prometheus-blackbox-exporter")
    model, _ = load_model(REPO / "tests" / "cases" / "features" / "everything.yaml")
    out = tmp_path / "out"
    write_tree(render(model), out)
    result = runner.invoke(app, ["check", str(out)])
    assert result.exit_code == 0, result.stderr
    workers = resources(render(model), "ScrapeConfig")["workers"]["spec"]
    assert set(workers) >= {
        "fileSDConfigs",
        "dnsSDConfigs",
        "httpSDConfigs",
        "consulSDConfigs",
        "dockerSDConfigs",
        "kubernetesSDConfigs",
        "oauth2",
        "relabelings",
    }
