"""Discovery, relabelling, scrape security and probe jobs in prometheus.yml, checked by promtool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from erpgo_monctl.render import prometheus
from tests.conftest import REPO, build_model, need

EVERYTHING = REPO / "tests" / "cases" / "features" / "everything.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    (content,) = prometheus.render(build_model(EVERYTHING)).values()
    loaded: dict[str, Any] = yaml.safe_load(content)
    return loaded


def _job(config: dict[str, Any], name: str) -> dict[str, Any]:
    [job] = [j for j in config["scrape_configs"] if j["job_name"] == name]
    return job


def test_scrape_security_is_rendered_with_secrets_as_files(config: dict[str, Any]) -> None:
    api = _job(config, "shop-api")
    assert api["scheme"] == "https"
    assert api["tls_config"] == {
        "ca_file": "/run/secrets/api-ca.pem",
        "cert_file": "/run/secrets/scrape.crt",
        "key_file": "/run/secrets/scrape.key",
        "server_name": "api.internal",
    }
    password = "/run/secrets/api_scrape_password"
    assert api["basic_auth"] == {"username": "prometheus", "password_file": password}
    assert (api["honor_labels"], api["params"], api["sample_limit"], api["label_limit"]) == (
        True,
        {"format": ["prometheus"]},
        50000,
        64,
    )
    workers = _job(config, "workers")
    assert workers["oauth2"]["client_secret_file"] == "/run/secrets/oauth_secret"


def test_every_discovery_kind_is_rendered_under_its_prometheus_key(config: dict[str, Any]) -> None:
    workers = _job(config, "workers")
    files = ["/etc/prometheus/targets/*.json"]
    assert workers["file_sd_configs"] == [{"files": files, "refresh_interval": "1m"}]
    assert workers["dns_sd_configs"][1] == {"names": ["workers.internal"], "type": "A", "port": 9100}
    token = workers["http_sd_configs"][0]["authorization"]["credentials_file"]
    assert token == "/run/secrets/inventory_token"
    assert workers["consul_sd_configs"][0]["services"] == ["worker"]
    assert workers["docker_sd_configs"][0]["filters"] == [{"name": "label", "values": ["metrics=true"]}]
    assert workers["kubernetes_sd_configs"] == [
        {
            "role": "endpoints",
            "namespaces": {"names": ["erp"]},
            "selectors": [{"role": "service", "label": "app=worker"}],
        }
    ]
    assert "static_configs" not in workers


def test_every_relabel_action_is_rendered(config: dict[str, Any]) -> None:
    workers = _job(config, "workers")
    actions = {r["action"] for r in workers["relabel_configs"]}
    actions |= {r["action"] for r in _job(config, "shop-api")["metric_relabel_configs"]}
    actions |= {r["action"] for r in _job(config, "shop-api")["relabel_configs"]}
    assert actions == {
        "replace",
        "keep",
        "drop",
        "keepequal",
        "dropequal",
        "hashmod",
        "labelmap",
        "labeldrop",
        "labelkeep",
        "lowercase",
        "uppercase",
    }


def test_a_probe_job_asks_the_exporter_with_the_target_as_a_parameter(config: dict[str, Any]) -> None:
    job = _job(config, "probe-api")
    assert job["metrics_path"] == "/probe"
    assert job["params"] == {"module": ["http_2xx"]}
    targets = ["https://api.example.com/health"]
    assert job["static_configs"] == [{"targets": targets, "labels": {"service": "shop"}}]
    assert job["relabel_configs"] == [
        {"source_labels": ["__address__"], "target_label": "__param_target", "action": "replace"},
        {"source_labels": ["__param_target"], "target_label": "instance", "action": "replace"},
        {"target_label": "__address__", "replacement": "blackbox-exporter:9115", "action": "replace"},
    ]
    assert "probe_rules.yml" in config["rule_files"]


def test_monctl_check_runs_promtool_amtool_and_the_blackbox_exporter_on_every_feature(tmp_path: Path) -> None:
    need("promtool")
    need("amtool")
    need("prometheus-blackbox-exporter")
    out = tmp_path / "out"
    assert runner.invoke(app, ["render", str(EVERYTHING), "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["check", str(out)])
    assert result.exit_code == 0, result.stderr
    assert (
        "ok   promtool check config (consul_sd_configs, kubernetes_sd_configs: not loadable by this "
        "promtool, checked by monctl's rules)" in result.stderr
    )
    assert "ok   blackbox_exporter --config.check" in result.stderr
    assert "ok   promtool check rules probe_rules.yml" in result.stderr
    assert "ok   amtool check-config" in result.stderr


def test_monctl_check_applies_the_reference_rules_to_kubernetes_discovery_promtool_cannot_load(
    tmp_path: Path,
) -> None:
    need("promtool")
    need("amtool")
    need("prometheus-blackbox-exporter")
    out = tmp_path / "out"
    assert runner.invoke(app, ["render", str(EVERYTHING), "--out", str(out)]).exit_code == 0
    path = out / "configs" / "prometheus.yml"
    path.write_text(path.read_text().replace("role: endpoints", "role: deployment"))
    result = runner.invoke(app, ["check", str(out)])
    assert result.exit_code == 1
    assert "error[T011]" in result.stderr
    assert "role 'deployment' is not one of" in result.stderr
