"""`monctl schema`: check-jsonschema accepts the real specs with it and refuses what validate refuses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from erpgo_monctl.spec.schema import schema_json
from tests.conftest import ERPGO_SPEC, REPO

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
NODE_EXPORTER_SPEC = REPO / "tests" / "cases" / "corpus" / "node-exporter.yaml"


def _check(schema: Path, spec: Path) -> subprocess.CompletedProcess[str]:
    if not CHECK_JSONSCHEMA.exists():
        pytest.skip("check-jsonschema is not installed in this environment (pip install check-jsonschema)")
    return subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(spec)],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def schema_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "monctl-spec.schema.json"
    path.write_text(schema_json(), encoding="utf-8")
    return path


@pytest.mark.parametrize("spec", [ERPGO_SPEC, NODE_EXPORTER_SPEC], ids=["erpgo", "node-exporter"])
def test_real_specs_validate_against_the_schema(schema_file: Path, spec: Path) -> None:
    proc = _check(schema_file, spec)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        (lambda d: d["services"][0].update(scrape_interval="15 seconds"), "scrape_interval"),
        (lambda d: d["services"][0].update(scrape_intervall="15s"), "scrape_intervall"),
        (lambda d: d["alerts"][0]["rules"][0].update({"for": "x5m"}), "for"),
        (lambda d: d["stack"]["prometheus"].update(image="prom/prometheus:latest"), "image"),
        (lambda d: d["stack"]["grafana"].update(image="grafana/grafana"), "image"),
        (lambda d: d["services"][0].update(name="Shop_API"), "name"),
        (lambda d: d["services"][0].update(targets=["api"]), "targets"),
        (lambda d: d["alerts"][0]["rules"][0].update(labels={"__tier": "x"}), "labels"),
        (
            lambda d: d["alertmanager"]["route"].update(routes=[{"matchers": ["severity=critical"]}]),
            "matchers",
        ),
        (lambda d: d.update(version=2), "version"),
        # one kind per tagged union (oneOf): a panel, a pipeline stage, a log job, an SLI
        (lambda d: d["dashboards"][0]["panels"][0].update(type="text", content="x"), "panels"),
        (lambda d: d["dashboards"][0]["panels"][0].update(content="x"), "panels"),
        (lambda d: d["logging"]["jobs"][0]["pipeline"][0].update(regex="(?P<x>.)"), "pipeline"),
        (lambda d: d["logging"]["jobs"][0].update(docker={}), "jobs"),
        (lambda d: d["slos"][0]["sli"].update(latency={"metric": "m", "threshold": 1}), "sli"),
    ],
)
def test_the_schema_refuses_what_validate_refuses(
    schema_file: Path, tmp_path: Path, change: object, needle: str
) -> None:
    data = yaml.safe_load(ERPGO_SPEC.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    spec = tmp_path / "bad.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    proc = _check(schema_file, spec)
    assert proc.returncode == 1, proc.stdout
    assert needle in proc.stdout


def test_pinned_images_with_digests_pass(schema_file: Path, tmp_path: Path) -> None:
    data = yaml.safe_load(ERPGO_SPEC.read_text(encoding="utf-8"))
    digest = "sha256:" + "a" * 64
    data["stack"]["prometheus"]["image"] = f"prom/prometheus@{digest}"
    data["stack"]["grafana"]["image"] = f"grafana/grafana:latest@{digest}"
    spec = tmp_path / "digests.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    proc = _check(schema_file, spec)
    assert proc.returncode == 0, proc.stdout
