"""`monctl check` on a kubernetes tree: strict schemas, metadata rules, kustomization, promtool on rules."""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from erpgo_monctl.render.kubernetes import render
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.verify.kubernetes import (
    OPERATOR_SCHEMAS,
    check_kubernetes_tree,
    kustomization_problems,
    metadata_problems,
    operator_validator,
    schema_problems,
    strict,
)
from erpgo_monctl.write import write_tree
from tests.conftest import REPO, build_model, need
from tests.render.kubernetes.conftest import load

runner = CliRunner()
HERE = Path("resource.yaml")


@pytest.fixture(scope="module")
def erpgo_tree(erpgo_model: Model) -> dict[PurePosixPath, bytes]:
    return render(erpgo_model)


@pytest.fixture
def minimal_dir(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    write_tree(render(build_model(REPO / "tests" / "validate" / "minimal.yaml")), out)
    return out


def test_strict_refuses_unknown_fields_except_where_the_schema_preserves_them() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "object", "properties": {"b": {"type": "string"}}},
            "free": {"type": "object", "properties": {}, "x-kubernetes-preserve-unknown-fields": True},
            "map": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }
    made = strict(schema)
    assert made["additionalProperties"] is False
    assert made["properties"]["a"]["additionalProperties"] is False
    assert "additionalProperties" not in made["properties"]["free"]
    assert made["properties"]["map"]["additionalProperties"] == {"type": "string"}


@pytest.mark.parametrize("schema_file", sorted(OPERATOR_SCHEMAS.values()))
def test_vendored_schemas_load_as_draft7(schema_file: str) -> None:
    validator = operator_validator(schema_file)
    assert validator.schema["additionalProperties"] is False  # the top-level object is strict too


def test_every_erpgo_resource_passes_its_strict_schema(erpgo_tree: dict[PurePosixPath, bytes]) -> None:
    documents = {
        path: load(content)
        for path, content in erpgo_tree.items()
        if len(path.parts) == 1 and path.name != "kustomization.yaml"
    }
    assert {d["kind"] for d in documents.values()} >= {"PrometheusRule", "ScrapeConfig"}
    found = [d for path, doc in documents.items() for d in schema_problems(doc, Path(str(path)))]
    assert found == []


def _scrape_config() -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "ScrapeConfig",
        "metadata": {"name": "api", "namespace": "monitoring", "labels": {"release": "x"}},
        "spec": {"jobName": "api", "staticConfigs": [{"targets": ["api:8080"]}]},
    }


def test_an_unknown_field_is_refused_where_it_is() -> None:
    document = _scrape_config()
    document["spec"]["staticConfigs"][0]["tragets"] = ["api:8080"]
    found = schema_problems(document, HERE)
    assert [(d.code, d.path) for d in found] == [("T030", "spec.staticConfigs.0")]
    assert "'tragets' was unexpected" in found[0].message


def test_a_wrong_type_is_refused() -> None:
    document = _scrape_config()
    document["spec"]["scrapeInterval"] = "five minutes"
    assert [d.path for d in schema_problems(document, HERE)] == ["spec.scrapeInterval"]


def test_core_resources_use_the_kubernetes_schemas() -> None:
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "dash", "namespace": "monitoring"},
        "data": {"dash.json": "{}"},
    }
    assert schema_problems(config_map, HERE) == []
    assert [d.code for d in schema_problems({**config_map, "dta": {}}, HERE)] == ["T030"]
    bad_key = {**config_map, "data": {"dash board.json": "{}"}}
    assert [d.path for d in schema_problems(bad_key, HERE)] == ["data.dash board.json"]


def test_an_unknown_kind_is_refused() -> None:
    found = schema_problems({"apiVersion": "apps/v1", "kind": "Deployment"}, HERE)
    assert [(d.code, d.path) for d in found] == [("T030", "kind")]


def test_metadata_follows_the_api_server_rules() -> None:
    document = _scrape_config()
    document["metadata"] = {
        "name": "Api_1",
        "namespace": "monitoring.svc",
        "labels": {"bad key": "x", "ok": "not ok"},
        "uid": "1",
    }
    paths = sorted(d.path for d in metadata_problems(document, HERE))
    assert paths == [
        "metadata.labels.bad key",
        "metadata.labels.ok",
        "metadata.name",
        "metadata.namespace",
        "metadata.uid",
    ]


def test_kustomization_must_list_exactly_the_resource_files(minimal_dir: Path) -> None:
    document = load((minimal_dir / "kustomization.yaml").read_bytes())
    assert kustomization_problems(minimal_dir, document) == []
    listed = document["resources"]
    (minimal_dir / "extra.yaml").write_text("{}\n")
    document["resources"] = [*listed[1:], "gone.yaml"]
    messages = {d.message for d in kustomization_problems(minimal_dir, document)}
    assert messages == {
        f"{listed[0]} is not in kustomization.yaml: kubectl apply -k skips it",
        "extra.yaml is not in kustomization.yaml: kubectl apply -k skips it",
        "gone.yaml is listed but does not exist",
    }


def test_check_runs_promtool_on_each_prometheus_rule_and_the_tests(minimal_dir: Path) -> None:
    need("promtool")
    results = {r.name: r for r in check_kubernetes_tree(minimal_dir)}
    assert all(r.ok for r in results.values()), [d.message for r in results.values() for d in r.diagnostics]
    assert "promtool check rules prometheusrule-shop.yaml" in results
    assert "schemas: unknown fields refused" in results


def test_check_reports_a_broken_rule_inside_a_prometheus_rule(minimal_dir: Path) -> None:
    need("promtool")
    path = minimal_dir / "prometheusrule-shop.yaml"
    text = path.read_text()
    path.write_text(text.replace("up{job=", "up{{job=", 1))
    assert "up{{job=" in path.read_text()
    result = runner.invoke(app, ["check", str(minimal_dir)])
    assert result.exit_code == 1
    assert "FAIL promtool check rules prometheusrule-shop.yaml" in result.stderr
    assert f"{path}:1:1: error[T001]" in result.stderr


def test_check_passes_the_erpgo_tree_with_its_unit_tests(
    erpgo_tree: dict[PurePosixPath, bytes], tmp_path: Path
) -> None:
    """The ERPGo PrometheusRules pass promtool check rules and every compose unit test, SLO tests included."""
    need("promtool")
    out = tmp_path / "out"
    write_tree(erpgo_tree, out)
    results = check_kubernetes_tree(out)
    failed = [d.as_text() for r in results for d in r.diagnostics]
    assert failed == []
    names = {r.name for r in results}
    assert "promtool test rules slo_api-availability_test.yml" in names
    assert "promtool test rules high-error-rate_test.yml" in names
    assert len([n for n in names if n.startswith("promtool check rules")]) == 9


def test_check_runs_the_blackbox_exporter_on_the_modules_config_map(
    erpgo_tree: dict[PurePosixPath, bytes], tmp_path: Path
) -> None:
    need("promtool")
    need("prometheus-blackbox-exporter")
    out = tmp_path / "out"
    write_tree(erpgo_tree, out)
    path = out / "configmap-erpgo-blackbox.yaml"
    assert "https_2xx:" in path.read_text()  # the module ERPGo's Probe names
    results = {r.name: r for r in check_kubernetes_tree(out)}
    assert results["blackbox_exporter --config.check"].ok
    path.write_text(path.read_text().replace("method: GET", "methodx: GET"))  # an unknown key
    result = runner.invoke(app, ["check", str(out)])
    assert result.exit_code == 1
    assert "FAIL blackbox_exporter --config.check" in result.stderr
    assert f"{path}:1:1: error[T001]" in result.stderr  # the ConfigMap's file, not a scratch copy


def test_check_cli_recognises_a_kubernetes_tree(minimal_dir: Path, tmp_path: Path) -> None:
    need("promtool")
    copy = tmp_path / "copy"
    shutil.copytree(minimal_dir, copy)
    result = runner.invoke(app, ["check", str(copy)])
    assert result.exit_code == 0, result.stderr
    assert "ok   kustomization: lists every resource" in result.stderr


def test_child_routes_are_held_to_the_route_schema() -> None:
    """The CRD preserves unknown fields below spec.route.routes; the operator does not read them."""
    document = {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {"name": "shop", "namespace": "monitoring"},
        "spec": {
            "route": {"receiver": "team", "routes": [{"receiver": "team", "routes": [{"reciever": "x"}]}]},
            "receivers": [{"name": "team"}],
        },
    }
    found = schema_problems(document, HERE)
    assert [(d.code, d.path) for d in found] == [("T030", "spec.route.routes.0.routes.0")]
    assert "'reciever' was unexpected" in found[0].message


def test_monctl_test_target_kubernetes_runs_unit_and_route_tests(tmp_path: Path) -> None:
    need("promtool")
    need("amtool")
    spec = tmp_path / "spec.yaml"
    text = (REPO / "tests" / "validate" / "minimal.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  receivers:\n",
        "  route_tests:\n    - labels: {alertname: ShopDown, severity: critical}\n      receivers: [team]\n"
        "  receivers:\n",
        1,
    )
    text += (
        "tests:\n  - name: shop-down\n    interval: 1m\n"
        "    input_series: [{series: 'up{job=\"shop-api\", instance=\"api:8080\"}', values: '0x10'}]\n"
        "    alert_tests:\n      - eval_time: 5m\n        alertname: ShopDown\n        exp_alerts:\n"
        "          - labels: {severity: critical, service: shop, job: shop-api, instance: 'api:8080'}\n"
        "            annotations:\n              summary: The shop API is down\n"
        "              description: api:8080 has been down for a minute.\n"
    )
    spec.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["test", str(spec), "--target", "kubernetes"])
    assert result.exit_code == 0, result.stderr
    assert "ok   tests/shop-down_test.yml" in result.stderr
    assert "ok   alertmanager.route_tests[0]" in result.stderr


def test_schema_patterns_are_go_regexps_as_the_api_server_runs_them() -> None:
    """The CRD's weekday pattern has a mid-expression (?i), which Python's re refuses and RE2 accepts."""
    document: dict[str, Any] = {
        "apiVersion": "monitoring.coreos.com/v1alpha1",
        "kind": "AlertmanagerConfig",
        "metadata": {"name": "shop", "namespace": "monitoring"},
        "spec": {"muteTimeIntervals": [{"name": "night", "timeIntervals": [{"weekdays": ["Sunday"]}]}]},
    }
    assert schema_problems(document, HERE) == []
    document["spec"]["muteTimeIntervals"][0]["timeIntervals"][0]["weekdays"] = ["funday"]
    [found] = schema_problems(document, HERE)
    assert (found.code, found.path) == ("T030", "spec.muteTimeIntervals.0.timeIntervals.0.weekdays.0")
