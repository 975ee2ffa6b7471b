"""Rule files and PrometheusRule manifests: lifted fields, what is not carried over, broken input located."""

from __future__ import annotations

from pathlib import Path

import yaml

from erpgo_monctl.importer import import_files
from tests.importer.conftest import write

RULES = """\
groups:
- name: api
  interval: 30s
  rules:
  - record: job:requests:rate5m
    expr: sum by (job) (rate(http_requests_total[5m]))
    labels: {team: web}
  - alert: ApiDown
    expr: up{job="api"} == 0
    for: 0s
    labels: {severity: critical, team: web}
    annotations:
      summary: API down
      description: "{{ $labels.instance }} is down"
      runbook_url: https://runbooks/ApiDown
      dashboard: https://grafana/d/api
"""


def test_alert_fields_are_lifted_and_groups_split_by_kind(tmp_path: Path) -> None:
    result = import_files([write(tmp_path, "rules.yml", RULES)])
    spec = yaml.safe_load(result.files["spec.yaml"])
    assert spec["recording_rules"] == [
        {"name": "api", "interval": "30s", "rules": [
            {"record": "job:requests:rate5m", "expr": "sum by (job) (rate(http_requests_total[5m]))",
             "labels": {"team": "web"}}]}
    ]  # fmt: skip
    assert spec["alerts"][0]["rules"] == [
        {"alert": "ApiDown", "expr": 'up{job="api"} == 0', "severity": "critical", "summary": "API down",
         "description": "{{ $labels.instance }} is down", "runbook_url": "https://runbooks/ApiDown",
         "labels": {"team": "web"}, "annotations": {"dashboard": "https://grafana/d/api"}}
    ]  # fmt: skip
    assert f"# from {tmp_path / 'rules.yml'}:8\n- alert: ApiDown" in result.files["spec.yaml"].replace(
        "  ", ""
    )  # each item says where it came from


def test_missing_severity_and_summary_are_filled_and_said(tmp_path: Path) -> None:
    text = "groups:\n- name: g\n  rules:\n  - alert: Bare\n    expr: up == 0\n"
    result = import_files([write(tmp_path, "r.yml", text)])
    added = {
        (d.line, d.message.split(":")[0]) for d in result.diagnostics if d.code == "I014" and d.line == 4
    }
    assert added == {(4, "alert Bare has no severity label"), (4, "alert Bare has no `summary` annotation"),
                     (4, "alert Bare has no `description` annotation")}  # fmt: skip
    assert result.exit_code == 0  # filled, not lost: warnings


def test_fields_the_spec_lacks_are_reported_not_dropped(tmp_path: Path) -> None:
    text = (
        "groups:\n- name: g\n  limit: 10\n  query_offset: 1m\n  rules:\n"
        "  - alert: A\n    expr: up == 0\n    keep_firing_for: 5m\n    labels: {severity: warning}\n"
        "    annotations: {summary: s, description: d}\n"
    )
    result = import_files([write(tmp_path, "r.yml", text)])
    lost = {(d.line, d.path) for d in result.diagnostics if d.code == "I010"}
    assert lost == {
        (3, "groups[0].limit"),
        (4, "groups[0].query_offset"),
        (8, "groups[0].rules[0].keep_firing_for"),
    }
    assert result.exit_code == 1


def test_unknown_keys_get_a_did_you_mean(tmp_path: Path) -> None:
    text = "groups:\n- name: g\n  rules:\n  - alert: A\n    expresion: up == 0\n"
    result = import_files([write(tmp_path, "r.yml", text)])
    unknown = [d for d in result.diagnostics if d.code == "I003"]
    assert [(d.line, d.column) for d in unknown] == [(5, 5)]
    assert "did you mean 'expr'?" in unknown[0].message


def test_duplicate_keys_are_located_by_the_hardened_loader(tmp_path: Path) -> None:
    text = "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    expr: up == 1\n"
    result = import_files([write(tmp_path, "r.yml", text)])
    assert [(d.code, d.line) for d in result.diagnostics] == [("E006", 6)]
    assert not result.files


def test_a_broken_go_template_is_located_and_the_rule_not_carried(tmp_path: Path) -> None:
    text = (
        "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    labels: {severity: warning}\n"
        "    annotations:\n      summary: 'down {{ $labels.instance'\n      description: d\n"
    )
    result = import_files([write(tmp_path, "r.yml", text)])
    lost = [d for d in result.diagnostics if d.code == "I010"]
    assert [(d.line, d.path) for d in lost] == [(8, "groups[0].rules[0].annotations.summary")]
    assert "not a valid Go template" in lost[0].message


def test_invalid_promql_regex_is_located_at_the_input(tmp_path: Path) -> None:
    text = (
        "groups:\n- name: g\n  rules:\n  - record: r:x\n    expr: up\n  - record: r:y\n"
        "    expr: 'up{job=~\"(\"}'\n"
    )
    result = import_files([write(tmp_path, "r.yml", text)])
    errors = [d for d in result.diagnostics if d.severity == "error"]
    assert [(d.file, d.line) for d in errors] == [(str(tmp_path / "r.yml"), 6)]
    assert errors[0].code.startswith("E2")
    assert not result.files  # a spec the spec's own checks refuse is not written


def test_prometheus_rule_manifests_with_several_documents(tmp_path: Path) -> None:
    text = (
        "---\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: a}\n"
        "spec:\n  groups:\n  - name: one\n    rules:\n    - record: a:b\n      expr: up\n"
        "---\n# second\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata: {name: b}\n"
        "spec:\n  groups:\n  - name: two\n    rules:\n    - record: c:d\n      expr: up\n      bad: 1\n"
    )
    result = import_files([write(tmp_path, "m.yaml", text)])
    spec = yaml.safe_load(result.files["spec.yaml"])
    assert [g["name"] for g in spec["recording_rules"]] == ["one", "two"]
    # line numbers stay the file's own in the second document
    assert [(d.code, d.line) for d in result.diagnostics if d.code == "I003"] == [("I003", 22)]


def test_ten_thousand_rules_are_all_carried(tmp_path: Path) -> None:
    """Scale: a 10,000-rule file imports completely (its time is measured in docs/import.md, not here)."""
    rules = "".join(
        f'  - alert: A{i}\n    expr: rate(http_requests_total{{code="{i}"}}[5m]) > {i}\n    for: 5m\n'
        f"    labels: {{severity: warning, team: t{i % 7}}}\n"
        f"    annotations: {{summary: 'rule {i}', description: 'value {{{{ $value }}}}'}}\n"
        for i in range(10_000)
    )
    result = import_files([write(tmp_path, "big.yml", "groups:\n- name: big\n  rules:\n" + rules)])
    spec = yaml.safe_load(result.files["spec.yaml"])
    assert len(spec["alerts"][0]["rules"]) == 10_000
    assert result.exit_code == 0
