"""`monctl schema`: check-jsonschema accepts the real specs with it and refuses what validate refuses.

One test runs the real `check-jsonschema` command on the ERPGo spec (what docs/validate.md tells
users to run); the rest validate in-process with `jsonschema`, the library check-jsonschema runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from erpgo_monctl.spec.schema import schema_json
from tests.conftest import ERPGO_SPEC, REPO

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
NODE_EXPORTER_SPEC = REPO / "tests" / "cases" / "corpus" / "node-exporter.yaml"


@cache
def _validator() -> Any:
    import jsonschema

    schema = json.loads(schema_json())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _problems(data: Any) -> list[str]:
    """Each schema error as `<json path>: <message>`, with the errors under a failed anyOf/oneOf
    (what check-jsonschema prints as its best deep match)."""
    found: list[str] = []
    pending = list(_validator().iter_errors(data))
    while pending:
        error = pending.pop()
        found.append(f"{error.json_path}: {error.message}")
        pending.extend(error.context or [])
    return found


def _erpgo() -> Any:
    return yaml.safe_load(ERPGO_SPEC.read_text(encoding="utf-8"))


def test_check_jsonschema_accepts_the_erpgo_spec(tmp_path: Path) -> None:
    if not CHECK_JSONSCHEMA.exists():
        pytest.skip("check-jsonschema is not installed in this environment (pip install check-jsonschema)")
    schema = tmp_path / "monctl-spec.schema.json"
    schema.write_text(schema_json(), encoding="utf-8")
    proc = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), str(ERPGO_SPEC)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("spec", [ERPGO_SPEC, NODE_EXPORTER_SPEC], ids=["erpgo", "node-exporter"])
def test_real_specs_validate_against_the_schema(spec: Path) -> None:
    assert _problems(yaml.safe_load(spec.read_text(encoding="utf-8"))) == []


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
        (lambda d: d["dashboards"][0]["panels"][0].update(type="text", content="x"), "panels[0]"),
        (lambda d: d["dashboards"][0]["panels"][0].update(content="x"), "panels[0]"),
        (lambda d: d["dashboards"][0]["panels"][0].pop("queries"), "panels[0]"),
        (lambda d: d["logging"]["jobs"][0]["pipeline"][0].update(regex="(?P<x>.)"), "pipeline[0]"),
        (lambda d: d["logging"]["jobs"][0].update(docker={}), "jobs[0]"),
        (lambda d: d["slos"][0]["sli"].update(latency={"metric": "m", "threshold": 1}), "sli"),
    ],
)
def test_the_schema_refuses_what_validate_refuses(change: Callable[[Any], object], needle: str) -> None:
    data = _erpgo()
    change(data)
    problems = _problems(data)
    assert problems
    assert any(needle in problem for problem in problems), problems


def test_pinned_images_with_digests_pass() -> None:
    data = _erpgo()
    digest = "sha256:" + "a" * 64
    data["stack"]["prometheus"]["image"] = f"prom/prometheus@{digest}"
    data["stack"]["grafana"]["image"] = f"grafana/grafana:latest@{digest}"
    assert _problems(data) == []


def test_the_schema_serves_team_files_too() -> None:
    """A team file (what `include:` accepts) passes the schema its modeline names; a root key does not."""
    nested = REPO / "tests" / "cases" / "include" / "nested"
    team_files = sorted(nested.glob("teams/**/*.yaml"))
    assert team_files
    for path in team_files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data is not None:
            assert _problems(data) == [], path
    team = {"alertmanager": {"routes": [{"matchers": ['team="checkout"'], "receiver": "checkout"}]}}
    assert _problems(team) == []
    assert _problems({**team, "stack": {}}) != []  # a root-only key in a team file: refused
    assert _problems({"alertmanager": {"route": {"receiver": "x"}, "routez": []}}) != []
