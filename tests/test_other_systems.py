"""Specs for systems other than ERPGo, written from the contract alone (issue 11): the smallest spec the
contract allows renders a working tree, and nothing ERPGo leaks into another system's output."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from tests.conftest import REPO, need

CASES = REPO / "tests" / "cases" / "bookstore"
runner = CliRunner()


def _render(spec: Path, out: Path) -> None:
    result = runner.invoke(app, ["render", str(spec), "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_version_name_and_one_service_render_a_working_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    _render(CASES / "minimal.yaml", out)
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [
        ".monctl",
        "configs/grafana/provisioning/dashboards/dashboards.yml",
        "configs/grafana/provisioning/datasources/datasources.yml",
        "configs/prometheus.yml",
        "docker-compose.monitoring.yml",
    ]
    prometheus = yaml.safe_load((out / "configs/prometheus.yml").read_text())
    assert "alerting" not in prometheus  # no alertmanager: section, no Alertmanager to send to
    compose = yaml.safe_load((out / "docker-compose.monitoring.yml").read_text())
    assert list(compose["services"]) == ["prometheus", "grafana"]
    assert compose["services"]["prometheus"]["image"] == "prom/prometheus:v3.5.0"  # the default table


def test_the_minimal_tree_passes_the_real_checkers(tmp_path: Path) -> None:
    need("promtool")
    need("amtool")
    out = tmp_path / "out"
    _render(CASES / "minimal.yaml", out)
    result = runner.invoke(app, ["check", str(out)])
    assert result.exit_code == 0, result.output


def test_the_minimal_spec_renders_for_kubernetes_without_alertmanager_resources(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["render", str(CASES / "minimal.yaml"), "--target", "kubernetes", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    kinds = {yaml.safe_load(p.read_text())["kind"] for p in out.glob("*.yaml")}
    assert "ScrapeConfig" in kinds
    assert not kinds & {"AlertmanagerConfig", "Secret"}  # no `alertmanager:`: nothing routes alerts


@pytest.fixture(scope="module")
def bookstore(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bookstore") / "out"
    _render(CASES / "bookstore.yaml", out)
    return out


def test_no_erpgo_in_another_system_except_the_generator_header(bookstore: Path) -> None:
    for path in sorted(p for p in bookstore.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8").replace("erpgo-monctl", "")
        assert "erpgo" not in text.lower(), path
    providers = yaml.safe_load(
        (bookstore / "configs/grafana/provisioning/dashboards/dashboards.yml").read_text()
    )
    assert [(p["name"], p["folder"], p["folderUid"]) for p in providers["providers"]] == [
        ("bookstore", "bookstore", "bookstore")
    ]


def test_log_agent_reads_host_paths_and_only_the_chosen_containers(bookstore: Path) -> None:
    alloy = (bookstore / "configs/alloy/config.alloy").read_text()
    assert '"__path__" = "/var/log/bookstore/orders-api/*.log"' in alloy
    assert 'values = ["^/storefront$"]' in alloy
    assert 'values = ["com.docker.compose.project=bookstore"]' in alloy
    compose = yaml.safe_load((bookstore / "docker-compose.monitoring.yml").read_text())
    assert "/var/log/bookstore:/var/log/bookstore:ro" in compose["services"]["alloy"]["volumes"]
    assert not (bookstore / "configs/promtail.yml").exists()  # Alloy is the agent


def test_absolute_secret_paths_are_used_as_written(bookstore: Path) -> None:
    alertmanager = yaml.safe_load((bookstore / "configs/alertmanager.yml").read_text())
    assert alertmanager["global"]["smtp_auth_password_file"] == "/etc/alertmanager/secrets/smtp"
    compose = yaml.safe_load((bookstore / "docker-compose.monitoring.yml").read_text())
    assert sorted(compose["secrets"]) == ["grafana_admin_password", "pagerduty_key", "slack_webhook"]


def test_no_erpgo_in_another_systems_kubernetes_tree(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app, ["render", str(CASES / "bookstore.yaml"), "--target", "kubernetes", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8").replace("erpgo-monctl", "")
        assert "erpgo" not in text.lower(), path
    folders = {
        yaml.safe_load(p.read_text())["metadata"]["annotations"]["grafana_folder"]
        for p in out.glob("configmap-grafana-dashboard-*.yaml")
    }
    assert folders == {"bookstore"}  # generated SLO dashboards go to the spec's name, not "ERPGo"
