"""Sloth and OpenSLO documents -> slos: queries, objectives, windows, alert settings; the rest reported."""

from __future__ import annotations

from pathlib import Path

import yaml

from erpgo_monctl.importer import import_files
from tests.importer.conftest import DATA, write


def _spec(paths: list[Path]) -> dict[str, object]:
    result = import_files(paths)
    loaded: dict[str, object] = yaml.safe_load(result.files["spec.yaml"])
    return loaded


def test_sloth_prometheus_v1_and_kubernetes_import_the_same_slo() -> None:
    plain = _spec([DATA / "sloth-getting-started.yml"])["slos"]
    kubernetes = _spec([DATA / "sloth-k8s-getting-started.yml"])["slos"]
    assert plain == kubernetes
    slo = plain[0]  # type: ignore[index]
    assert slo["objective"] == 99.9 and slo["service"] == "myservice"
    assert slo["sli"]["events"]["errors"].endswith('code=~"(5..|429)"}[{{window}}]))')
    assert slo["alerting"]["page"]["severity"] == "pageteam"
    assert slo["alerting"]["ticket"]["labels"]["slack_channel"] == "#alerts-myteam"


def test_an_slo_joins_the_scrape_job_of_its_service_when_one_is_imported(tmp_path: Path) -> None:
    config = write(
        tmp_path,
        "p.yml",
        "scrape_configs:\n- job_name: myservice\n  static_configs: [{targets: ['m:8080']}]\n",
    )
    result = import_files([DATA / "sloth-getting-started.yml", config])  # the SLO file first
    spec = yaml.safe_load(result.files["spec.yaml"])
    assert spec["services"] == [{"name": "myservice", "targets": ["m:8080"]}]
    assert not [d for d in result.diagnostics if d.code == "I013"]  # no placeholder needed


def test_a_placeholder_job_is_an_error_that_says_so() -> None:
    result = import_files([DATA / "sloth-getting-started.yml"])
    placeholder = [d for d in result.diagnostics if d.code == "I013"]
    assert len(placeholder) == 1 and "placeholder job 'myservice'" in placeholder[0].message
    assert result.exit_code == 1


def test_openslo_v1_with_a_separate_sli() -> None:
    result = import_files([DATA / "openslo-v1-ratio.yaml"])
    slo = yaml.safe_load(result.files["spec.yaml"])["slos"][0]
    assert slo["objective"] == 99.5 and slo["window"] == "28d"
    total = 'sum(rate(http_requests_total{job="checkout"}[{{window}}]))'
    good = 'sum(rate(http_requests_total{job="checkout",code!~"5.."}[{{window}}]))'
    assert slo["sli"]["events"] == {"errors": f"({total}) - ({good})", "total": total}
    policy = [d for d in result.diagnostics if d.code == "I010"]
    assert [d.line for d in policy] == [38]  # the AlertPolicy document


def test_openslo_v1alpha_from_sloths_examples() -> None:
    slo = _spec([DATA / "sloth-openslo-getting-started.yml"])["slos"][0]  # type: ignore[index]
    assert slo["objective"] == 99.9 and slo["window"] == "30d"


def test_openslo_threshold_metrics_are_not_carried() -> None:
    result = import_files([DATA / "openslo-occurences-slo.yaml"])
    lost = [(d.line, d.path) for d in result.diagnostics if d.code == "I010"]
    assert lost == [(14, "spec.indicator.spec")]
    assert result.files == {}  # nothing to write: no half-empty spec
