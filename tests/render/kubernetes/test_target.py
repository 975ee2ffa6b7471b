"""The kubernetes target as a whole: parity with compose, the kustomization, drift of out-kubernetes/."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from erpgo_monctl.cli import app
from erpgo_monctl.pipeline import render_model
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.write import drift
from tests.conftest import ERPGO_SPEC, REPO
from tests.render.kubernetes.conftest import Tree, load, resources

runner = CliRunner()
OUT_KUBERNETES = REPO / "out-kubernetes"


def _rules(groups: list[dict[str, Any]]) -> tuple[Counter[str], Counter[str]]:
    """(alerts, recording rules) of rule groups, each as a comparable text; the namespace label aside."""
    alerts: Counter[str] = Counter()
    records: Counter[str] = Counter()
    for group in groups:
        for rule in group["rules"]:
            if "alert" in rule:
                labels = {k: v for k, v in rule["labels"].items() if k != "namespace"}
                severity = labels.get("severity")
                alerts[repr((rule["alert"], severity, rule["expr"], sorted(labels.items())))] += 1
            else:
                records[repr((rule["record"], rule["expr"], sorted(rule.get("labels", {}).items())))] += 1
    return alerts, records


def _compose_groups(tree: Tree) -> list[dict[str, Any]]:
    return [g for p, c in tree.items() if p.name.endswith("_rules.yml") for g in load(c)["groups"]]


def test_same_alerts_and_recording_rules_as_compose(rendered: Tree, erpgo_kubernetes: Tree) -> None:
    rules = resources(erpgo_kubernetes, "PrometheusRule").values()
    k8s_groups = [group for rule in rules for group in rule["spec"]["groups"]]
    compose_alerts, compose_records = _rules(_compose_groups(rendered))
    k8s_alerts, k8s_records = _rules(k8s_groups)
    assert k8s_alerts == compose_alerts
    assert k8s_records == compose_records
    assert compose_alerts and compose_records  # the comparison is not between two empty sets


def test_same_scrape_targets_as_compose(rendered: Tree, erpgo_kubernetes: Tree) -> None:
    prometheus = load(next(c for p, c in rendered.items() if p.name == "prometheus.yml"))
    compose = {
        job["job_name"]: (job["static_configs"], job.get("metrics_path"), job.get("scrape_interval"))
        for job in prometheus["scrape_configs"]
    }
    k8s = {
        spec["jobName"]: (spec["staticConfigs"], spec["metricsPath"], spec["scrapeInterval"])
        for spec in (c["spec"] for c in resources(erpgo_kubernetes, "ScrapeConfig").values())
    }
    for probe in (p["spec"] for p in resources(erpgo_kubernetes, "Probe").values()):
        static = probe["targets"]["staticConfig"]
        labels = {"labels": static["labels"]} if "labels" in static else {}
        targets = [{"targets": static["static"], **labels}]
        k8s[probe["jobName"]] = (targets, probe["prober"]["path"], probe["interval"])
    assert resources(erpgo_kubernetes, "Probe")  # ERPGo's probe job is compared too
    interval = prometheus["global"]["scrape_interval"]
    assert k8s == {job: (static, path, every or interval) for job, (static, path, every) in compose.items()}


def test_same_runbooks_and_test_files_as_compose(rendered: Tree, erpgo_kubernetes: Tree) -> None:
    def names(tree: Tree, top: str) -> set[str]:
        return {str(p) for p in tree if p.parts[0] == top}

    assert names(erpgo_kubernetes, "runbooks") == names(rendered, "runbooks")
    assert names(erpgo_kubernetes, "tests") == names(rendered, "tests")
    runbook = next(p for p in rendered if p.parts[0] == "runbooks")
    assert erpgo_kubernetes[runbook] == rendered[runbook]


def test_kustomization_lists_every_resource_and_nothing_else(erpgo_kubernetes: Tree) -> None:
    listed = load(erpgo_kubernetes[next(p for p in erpgo_kubernetes if p.name == "kustomization.yaml")])
    roots = sorted(str(p) for p in erpgo_kubernetes if len(p.parts) == 1 and p.name != "kustomization.yaml")
    assert listed["resources"] == roots
    assert not any(p.parts[0] == "configs" for p in erpgo_kubernetes)  # no compose files in this target


def test_compose_render_has_no_kubernetes_files(erpgo_model: Model) -> None:
    assert not any(p.name == "kustomization.yaml" for p in render_model(erpgo_model))


def test_out_kubernetes_is_the_committed_render_of_erpgo(erpgo_kubernetes: Tree) -> None:
    changes, diff = drift(erpgo_kubernetes, OUT_KUBERNETES)
    hint = "run: monctl render specs/erpgo.yaml --target kubernetes --out out-kubernetes"
    assert changes == [], f"{hint}\n{diff}"


def test_render_check_with_target_kubernetes(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["render", str(ERPGO_SPEC), "--target", "kubernetes", "--out", str(OUT_KUBERNETES), "--check"]
    )
    assert result.exit_code == 0, result.stderr
    assert "out-kubernetes matches" in result.stderr


def test_unknown_target_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", str(ERPGO_SPEC), "--target", "helm", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "error[E007]: --target: 'helm' is not a render target" in result.stderr
    assert "use one of compose, kubernetes" in result.stderr
    assert not (tmp_path / "o").exists()
