"""tests/: generated SLO tests and compiled spec tests pass promtool, and fail when the rules are wrong."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from erpgo_monctl.pipeline import render_model
from erpgo_monctl.render.unit_tests import user_test_file
from erpgo_monctl.write import write_tree
from tests.conftest import need
from tests.slo_specs import first_plan, model_of, spec_text

SLO_FILES = ["tests/slo_api-availability_test.yml", "tests/slo_api-latency_test.yml"]
USER_FILES = [
    "tests/application-down_test.yml",
    "tests/brute-force-attack_test.yml",
    "tests/high-error-rate_test.yml",
    "tests/low-error-rate_test.yml",
    "tests/target-down_test.yml",
]


def load(rendered: dict[PurePosixPath, bytes], path: str) -> dict[str, Any]:
    doc: dict[str, Any] = yaml.safe_load(rendered[PurePosixPath(path)])
    return doc


def promtool_test(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [need("promtool"), "test", "rules", path.name],
        cwd=path.parent,
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_test_file_per_slo_and_per_spec_test(rendered: dict[PurePosixPath, bytes]) -> None:
    assert sorted(str(p) for p in rendered if p.parts[0] == "tests") == sorted(SLO_FILES + USER_FILES)


@pytest.mark.parametrize("path", SLO_FILES + USER_FILES)
def test_rule_files_resolve_from_the_test_file(rendered: dict[PurePosixPath, bytes], path: str) -> None:
    for rule_file in load(rendered, path)["rule_files"]:
        target = (Path("/") / path).parent.joinpath(rule_file).resolve()
        assert PurePosixPath(str(target)[1:]) in rendered, rule_file


def test_slo_file_covers_recording_rules_and_every_alert_story(rendered: dict[PurePosixPath, bytes]) -> None:
    names = [t["name"] for t in load(rendered, SLO_FILES[0])["tests"]]
    assert names == [
        "api-availability: a steady error ratio of budget/4 in every window and in the budget",
        "api-availability: the 30d ratio is weighted by events, not a mean of 5m ratios",
        "api-availability: a steady 15x burn pages once the 1h and 5m windows both exceed 14.4x, not before",
        "api-availability: after a 50m burn at 21.6x stops, the page resolves within 5m although the 1h "
        "window is still above",
        "api-availability: a steady 2x burn opens a ticket once the 3d and 6h windows exceed 1x, and never "
        "pages",
        "api-availability: a steady 0.5x burn alerts nobody",
    ]


def kinds_at(test: dict[str, Any]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for check in test["alert_rule_test"]:
        found.setdefault(check["eval_time"], set()).update(
            a["exp_labels"]["slo_alert"] for a in check["exp_alerts"]
        )
    return found


def test_page_story_is_absent_early_and_present_later(rendered: dict[PurePosixPath, bytes]) -> None:
    tests = load(rendered, SLO_FILES[0])["tests"]
    assert kinds_at(tests[2]) == {"2h50m": {"ticket"}, "3h": {"page", "ticket"}}
    assert kinds_at(tests[3]) == {"3h50m": {"page", "ticket"}, "3h56m": {"ticket"}}
    assert kinds_at(tests[4]) == {"1h45m": set(), "2h15m": {"ticket"}}
    assert kinds_at(tests[5]) == {"30m": set(), "2h": set()}


def test_recording_test_checks_every_window(rendered: dict[PurePosixPath, bytes]) -> None:
    exprs = [c["expr"] for c in load(rendered, SLO_FILES[0])["tests"][0]["promql_expr_test"]]
    for window in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"):
        assert any(f"slo:sli_error:ratio_rate{window}{{" in e for e in exprs), window
    assert any("slo:period_error_budget_remaining:ratio" in e and "- 0.75)" in e for e in exprs)


def test_latency_inputs_use_both_le_spellings(rendered: dict[PurePosixPath, bytes]) -> None:
    series = [s["series"] for t in load(rendered, SLO_FILES[1])["tests"] for s in t["input_series"]]
    assert any('le="2"' in s for s in series) and any('le="2.0"' in s for s in series)


def test_spec_tests_compile_to_promtool_names(rendered: dict[PurePosixPath, bytes]) -> None:
    doc = load(rendered, "tests/application-down_test.yml")
    assert doc["rule_files"] == [
        "../configs/alert_rules.yml",
        "../configs/recording_rules.yml",
        "../configs/probe_rules.yml",
    ]
    assert doc["evaluation_interval"] == "15s"
    (group,) = doc["tests"]
    assert group["input_series"] == [
        {"series": 'up{job="erpgo-api", instance="api:8080"}', "values": "1x5 0x10"}
    ]
    assert [c["exp_alerts"] for c in group["alert_rule_test"][:2]] == [[], []]
    expected = group["alert_rule_test"][2]["exp_alerts"][0]
    assert expected["exp_labels"]["severity"] == "critical"
    assert (
        expected["exp_annotations"]["runbook_url"]
        == "https://docs.erpgo.example.com/runbooks/ApplicationDown"
    )


def test_spec_test_of_an_slo_alert_loads_the_slo_rules() -> None:
    test = """\
    - name: burn
      input_series: [{series: 'up', values: '1'}]
      alert_tests: [{eval_time: 1m, alertname: AvailabilityErrorBudgetBurn}]
    """
    model = model_of(spec_text(tests=test))
    doc = user_test_file(model, model.spec.tests[0])
    assert doc["rule_files"] == ["../configs/alert_rules.yml", "../configs/slo_rules.yml"]
    assert doc["tests"][0]["alert_rule_test"][0]["exp_alerts"] == []


@pytest.mark.parametrize("path", SLO_FILES + USER_FILES)
def test_promtool_passes_every_rendered_test(rendered_dir: Path, path: str) -> None:
    proc = promtool_test(rendered_dir / path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


SEL = '{slo="api-availability", service="erpgo-api"}'
# Mutations: each breaks one property of the rules; the story that proves it must fail.
MUTATIONS = {
    "avg_over_time": (
        "the 30d ratio is weighted by events",
        lambda text: text.replace(
            'sum_over_time(slo:sli_error:rate5m{slo="api-availability", service="erpgo-api"}[30d])\n'
            "      /\n"
            '      sum_over_time(slo:sli_total:rate5m{slo="api-availability", service="erpgo-api"}[30d])',
            'avg_over_time(slo:sli_error:ratio_rate5m{slo="api-availability", service="erpgo-api"}[30d])',
        ),
    ),
    "no short window": (
        "the page resolves within 5m",
        lambda text: text.replace(
            f"  and\n        slo:sli_error:ratio_rate5m{SEL} > (14.4 * 0.001)",
            "",
        ),
    ),
    "no long window": (
        "pages once the 1h and 5m windows both exceed",
        lambda text: text.replace(
            f"  slo:sli_error:ratio_rate1h{SEL} > (14.4 * 0.001)\n      and\n",
            "",
        ),
    ),
    "ticket factor too low": (
        "burn alerts nobody",
        lambda text: text.replace("> (1 * 0.001)", "> (0.1 * 0.001)"),
    ),
}


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_generated_tests_fail_when_the_rules_are_wrong(
    rendered_dir: Path, tmp_path: Path, mutation: str
) -> None:
    story, mutate = MUTATIONS[mutation]
    out = tmp_path / "out"
    shutil.copytree(rendered_dir / "configs", out / "configs")
    doc = yaml.safe_load((rendered_dir / SLO_FILES[0]).read_text())
    doc["tests"] = [t for t in doc["tests"] if story in t["name"]]
    assert len(doc["tests"]) == 1
    (out / "tests").mkdir()
    test_file = out / "tests" / "one_test.yml"
    test_file.write_text(yaml.safe_dump(doc))
    assert promtool_test(test_file).returncode == 0  # the story alone passes on the real rules
    rules = out / "configs" / "slo_rules.yml"
    original = rules.read_text()
    rules.write_text(mutate(original))
    assert rules.read_text() != original, "mutation did not apply"
    proc = promtool_test(test_file)
    assert proc.returncode == 1 and "FAILED" in proc.stdout + proc.stderr, proc.stdout + proc.stderr


LATENCY_7D = """\
- name: latency
  service: api
  objective: 99
  window: 7d
  sli:
    latency:
      metric: http_request_duration_seconds
      threshold: 0.25
      selector: 'job=~"api|canary", method!="HEAD"'
"""
GROUPED_28D = """\
- name: availability
  service: api
  objective: 99.5
  window: 28d
  alerting: {page: {labels: {team: api}, annotations: {slo_page: "{{ $labels.slo }} pages"}}}
  sli:
    events:
      errors: sum by (job) (increase(http_requests_total{job="api", code=~"5..|429"}[{{window}}]))
      total: sum by (job) (increase(http_requests_total{job="api"}[{{window}}]))
"""


@pytest.mark.parametrize("slos", [LATENCY_7D, GROUPED_28D], ids=["latency-7d", "grouped-28d"])
def test_generated_tests_pass_for_other_windows_and_shapes(tmp_path: Path, slos: str) -> None:
    model = model_of(spec_text(slos))
    doc, skipped = first_plan(model)
    assert doc is not None and len(doc["tests"]) == 6 and skipped == []
    write_tree(render_model(model), tmp_path / "out")
    (path,) = (tmp_path / "out" / "tests").glob("slo_*_test.yml")
    proc = promtool_test(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
