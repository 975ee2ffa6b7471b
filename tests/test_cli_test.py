"""`monctl test SPEC`: renders into a temp dir, runs every unit test with promtool, exits 0/1/3."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from tests.conftest import ERPGO_SPEC, need
from tests.slo_specs import line_of, spec_text, write_spec

DOWN_TEST = """\
- name: down
  input_series:
    - {series: 'up{job="api", instance="api:8080"}', values: '1x5 0x10'}
  alert_tests:
    - eval_time: 10m
      alertname: Down
      exp_alerts:
        - labels: {severity: critical, job: api, instance: "api:8080"}
          annotations: {summary: down, description: "api:8080 is down"}
"""


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_erpgo_tests_pass() -> None:
    need("promtool")
    code, _, err = run("test", str(ERPGO_SPEC))
    assert code == 0, err
    for name in (
        "slo_api-availability",
        "slo_api-latency",
        "high-error-rate",
        "application-down",
        "brute-force-attack",
    ):
        assert f"ok   tests/{name}_test.yml" in err
    for index in range(4):  # alertmanager.route_tests, checked by amtool
        assert f"ok   alertmanager.route_tests[{index}]" in err
    assert "ok: 11 test file(s) passed" in err


def test_a_wrong_expectation_fails_located_at_the_test(tmp_path: Path) -> None:
    need("promtool")
    text = spec_text(slos="", tests=DOWN_TEST.replace('"api:8080 is down"', '"api is down"'))
    code, _, err = run("test", str(write_spec(tmp_path, text)))
    assert code == 1
    assert "FAIL tests/down_test.yml" in err and "failed: 1 of 1 test file(s)" in err
    located = f"spec.yaml:{line_of(text, 'name: down')}:"
    assert located in err and "error[T020]: tests[0].name:" in err
    assert (
        'description="api is down"' in err and 'description="api:8080 is down"' in err
    )  # promtool's exp/got


def test_the_right_expectation_passes(tmp_path: Path) -> None:
    need("promtool")
    code, _, err = run("test", str(write_spec(tmp_path, spec_text(slos="", tests=DOWN_TEST))))
    assert code == 0, err
    assert "ok: 1 test file(s) passed" in err


def test_failures_as_json(tmp_path: Path) -> None:
    need("promtool")
    text = spec_text(slos="", tests=DOWN_TEST.replace("severity: critical", "severity: warning"))
    code, out, _ = run("test", str(write_spec(tmp_path, text)), "--format", "json")
    assert code == 1
    (diag,) = json.loads(out)
    assert (diag["code"], diag["path"], diag["line"]) == (
        "T020",
        "tests[0].name",
        line_of(text, "name: down"),
    )


def test_missing_promtool_exits_3_with_an_install_hint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err = run("test", str(write_spec(tmp_path, spec_text(tests=DOWN_TEST))))
    assert code == 3
    assert "promtool not found on PATH" in err and "apt-get install prometheus" in err


def test_an_invalid_spec_is_reported_before_any_test_runs(tmp_path: Path) -> None:
    text = spec_text(slos="", tests=DOWN_TEST.replace("alertname: Down", "alertname: Dwn"))
    code, _, err = run("test", str(write_spec(tmp_path, text)))
    assert code == 1
    assert "error[E420]" in err and "FAIL" not in err and "ok " not in err


def test_a_spec_without_tests_says_so(tmp_path: Path) -> None:
    need("promtool")
    code, _, err = run("test", str(write_spec(tmp_path, spec_text(slos=""))))
    assert code == 0 and "no tests:" in err


def test_slos_without_generated_tests_are_not_a_pass(tmp_path: Path) -> None:
    """Issue 14, bug 2: SLOs whose tests cannot be generated (W412) make `monctl test` fail, saying so."""
    need("promtool")
    slos = (
        "- name: availability\n  service: api\n  objective: 99.9\n  sli:\n    events:\n"
        '      errors: sum(rate(http_requests_total{code=~"5.."}[{{window}}])) + 0\n'
        "      total: sum(rate(http_requests_total[{{window}}]))\n"
    )
    code, _, err = run("test", str(write_spec(tmp_path, spec_text(slos=slos))))
    assert code == 1, err
    assert "warning[W412]" in err and "no tests ran" in err and "availability" in err
    assert "has no slos:" not in err


def test_a_missing_spec_is_a_usage_error(tmp_path: Path) -> None:
    code, _, _ = run("test", str(tmp_path / "nope.yaml"))
    assert code == 2
