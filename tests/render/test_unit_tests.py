"""tests/: generated SLO tests and compiled spec tests pass promtool, and fail when the rules are wrong."""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from erpgo_monctl.pipeline import render_model
from erpgo_monctl.render.rules import build_slo_rules
from erpgo_monctl.render.unit_tests import user_test_file
from erpgo_monctl.write import write_tree
from tests.conftest import need
from tests.slo_specs import AVAILABILITY as AVAILABILITY_SLO
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
        "api-availability: before the first bad event every window and burn rate reads 0",
        "api-availability: a steady 15x burn pages once the 1h and 5m windows both exceed 14.4x, not before",
        "api-availability: after a 50m burn at 21.6x stops, the page resolves within 6m although the 1h "
        "window is still above",
        "api-availability: a steady 20x burn pages within the 1h page window",
        "api-availability: a steady 2x burn opens a ticket once the 3d and 6h windows exceed 1x, and never "
        "pages",
        "api-availability: a steady 0.95x burn, just below the lowest factor, alerts nobody",
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
    assert kinds_at(tests[3]) == {"2h50m": {"ticket"}, "3h": {"page", "ticket"}}
    assert kinds_at(tests[4]) == {"3h50m": {"page", "ticket"}, "3h56m": {"ticket"}}
    assert kinds_at(tests[5]) == {"1h10m": {"page", "ticket"}}
    assert kinds_at(tests[6]) == {"1h45m": set(), "2h15m": {"ticket"}}
    assert kinds_at(tests[7]) == {"30m": set(), "2h": set()}


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
        "the page resolves within 6m",
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
        "alerts nobody",
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
    assert doc is not None and len(doc["tests"]) == (7 if "latency" in slos else 8) and skipped == []
    write_tree(render_model(model), tmp_path / "out")
    (path,) = (tmp_path / "out" / "tests").glob("slo_*_test.yml")
    proc = promtool_test(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr


WINDOWS = {"1d": "2m", "7d": "14m", "14d": "28m", "28d": "56m", "30d": "1h", "90d": "3h"}


def test_every_slo_window_stays_quiet_below_1x_and_pages_a_20x_burn_in_time(tmp_path: Path) -> None:
    """Issue 14, bug 1: for every SLO window a steady 0.95x burn alerts nobody (checked at 30m and
    2h) and a steady 20x burn pages by the end of the fast page's long window; promtool runs both."""
    slos = "".join(
        AVAILABILITY_SLO.replace("name: availability", f"name: availability-{window}")
        + f"  window: {window}\n"
        for window in WINDOWS
    )
    model = model_of(spec_text(slos).replace("retention: 30d", "retention: 90d"))
    write_tree(render_model(model), tmp_path / "out")
    for (window, page_window), plan in zip(WINDOWS.items(), model.slo_test_plans, strict=True):
        assert plan.document is not None
        stories = {
            "a steady 0.95x burn, just below the lowest factor, alerts nobody",
            f"a steady 20x burn pages within the {page_window} page window",
        }
        chosen = [t for t in plan.document["tests"] if t["name"].split(": ", 1)[1] in stories]
        assert len(chosen) == 2, window
        path = tmp_path / "out" / "tests" / f"{window}_test.yml"
        path.write_text(yaml.safe_dump({**plan.document, "tests": chosen}))
        proc = promtool_test(path)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_without_the_zero_fallback_the_window_ratios_have_no_data(tmp_path: Path) -> None:
    """Issue 14, bug 3: with an errors query that selects nothing yet, every SLO series reads 0."""
    model = model_of(spec_text())
    write_tree(render_model(model), tmp_path / "out")
    doc = model.slo_test_plans[0].document
    assert doc is not None
    chosen = [t for t in doc["tests"] if "before the first bad event" in t["name"]]
    path = tmp_path / "out" / "tests" / "empty_test.yml"
    path.write_text(yaml.safe_dump({**doc, "tests": chosen}))
    assert promtool_test(path).returncode == 0
    rules = tmp_path / "out" / "configs" / "slo_rules.yml"
    text = rules.read_text()
    broken = re.sub(
        r"\(\((sum\(rate\(http_requests_total\{code=~\"5\.\.\"\}\[\w+\]\)\))\) or \(0 \* \(.*?\)\)\)",
        r"(\1)",
        text,
    )
    assert broken.count("or (0 *") == 1  # only the 5m numerator keeps its fallback
    rules.write_text(broken)
    proc = promtool_test(path)
    assert proc.returncode == 1 and "ratio_rate1h" in proc.stdout + proc.stderr


NIGHT = (
    AVAILABILITY_SLO
    + "  labels: {team: shop}\n  alerting:\n    page: {min_events: 5000}\n    no_data: {for: 10m}\n"
)


def test_min_events_stops_the_quiet_night_page_and_a_night_outage_still_pages(tmp_path: Path) -> None:
    """Issue 14, item 9: the quiet-night story passes with min_events and fails without it (the page
    fires on a handful of errors); the night-outage story pages either way. Item 8's no-data alert
    and item 7's labels are in the same file."""
    model = model_of(spec_text(NIGHT))
    doc, skipped = first_plan(model)
    assert doc is not None and skipped == []
    names = [t["name"] for t in doc["tests"]]
    quiet = next(n for n in names if "a quiet night" in n)
    outage = next(n for n in names if "a real outage on a quiet night" in n)
    assert "no-data alert after 10m" in " ".join(names)
    write_tree(render_model(model), tmp_path / "out")
    (path,) = (tmp_path / "out" / "tests").glob("slo_*_test.yml")
    proc = promtool_test(path)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    plain = model_of(spec_text(NIGHT.replace("page: {min_events: 5000}", "page: {}")))
    write_tree(render_model(plain), tmp_path / "plain")
    plain_page = next(a.rule for a in plain.slo_rules[0].burn_alerts if a.kind == "page")
    for story, passes in ((quiet, False), (outage, True)):
        (test,) = copy.deepcopy([t for t in doc["tests"] if t["name"] == story])
        for expected in (a for c in test["alert_rule_test"] for a in c["exp_alerts"]):
            if expected["exp_labels"]["slo_alert"] == "page":  # its text names min_events
                expected["exp_annotations"]["description"] = plain_page.annotations["description"]
        one = tmp_path / "plain" / "tests" / "one_test.yml"
        one.write_text(yaml.safe_dump({**doc, "tests": [test]}))
        proc = promtool_test(one)
        assert (proc.returncode == 0) is passes, story + proc.stdout + proc.stderr


KINDS = """\
- name: raw-availability
  service: api
  objective: 99.9
  alerting: {no_data: {}}
  sli:
    raw:
      error_ratio: >-
        sum(rate(http_requests_total{code=~"5.."}[{{window}}]))
        / sum(rate(http_requests_total[{{window}}]))
- name: uptime
  service: api
  objective: 99
  window: 7d
  sli:
    time_slices:
      selector: up{job="api"}
"""


def test_raw_and_time_slice_slis_get_generated_tests_that_promtool_passes(tmp_path: Path) -> None:
    """Issue 14, item 5: a raw error ratio and a 0/1 gauge over time slices, each with generated stories."""
    model = model_of(spec_text(KINDS))
    raw, uptime = model.slo_test_plans
    assert raw.document is not None and uptime.document is not None and not raw.notes and not uptime.notes
    raw_names = [t["name"] for t in raw.document["tests"]]
    assert any("a steady 15x burn pages" in n for n in raw_names)
    assert not any("weighted by events" in n for n in raw_names)  # a raw ratio is a mean of 5m ratios
    assert any("the target is down" in t["name"] for t in uptime.document["tests"])
    write_tree(render_model(model), tmp_path / "out")
    for name in ("raw-availability", "uptime"):
        proc = promtool_test(tmp_path / "out" / "tests" / f"slo_{name}_test.yml")
        assert proc.returncode == 0, proc.stdout + proc.stderr


GROUPED = """\
- name: latency-per-route
  service: api
  objective: 99
  group_by: [route]
  sli:
    latency: {metric: http_request_duration_seconds, threshold: 0.5, selector: 'job="api"'}
- name: uptime-per-instance
  service: api
  objective: 99
  group_by: [instance]
  sli:
    time_slices: {selector: 'up{job="api"}'}
"""


def test_grouped_slos_record_and_alert_per_group(tmp_path: Path) -> None:
    """Issue 14, item 6: `group_by` aggregates the generated SLI by those labels; the generated
    tests feed one group and expect its label on every recorded series and alert (promtool)."""
    model = model_of(spec_text(GROUPED))
    (latency, uptime) = build_slo_rules(model)["groups"]
    records = {r["record"]: r["expr"] for r in latency["rules"] if "record" in r}
    assert (
        records["slo:sli_total:rate5m"]
        == 'sum by (route) (rate(http_request_duration_seconds_count{job="api"}[5m]))'
    )
    assert any("sum by (instance) (count_over_time" in r["expr"] for r in uptime["rules"] if "record" in r)
    for plan, label in zip(model.slo_test_plans, ("route", "instance"), strict=True):
        assert plan.document is not None and not plan.notes
        samples = [  # every recorded SLI series but the per-SLO constants (objective, budget)
            s
            for t in plan.document["tests"]
            for c in t.get("promql_expr_test", [])
            if "objective" not in c["expr"] and "error_budget:" not in c["expr"]
            for s in c["exp_samples"]
        ]
        assert samples and all(f'{label}="a"' in s["labels"] for s in samples)
        alerts = [
            a for t in plan.document["tests"] for c in t.get("alert_rule_test", []) for a in c["exp_alerts"]
        ]
        assert alerts and all(a["exp_labels"][label] == "a" for a in alerts)
    write_tree(render_model(model), tmp_path / "out")
    for name in ("latency-per-route", "uptime-per-instance"):
        proc = promtool_test(tmp_path / "out" / "tests" / f"slo_{name}_test.yml")
        assert proc.returncode == 0, proc.stdout + proc.stderr
