"""prometheus.yml: jobs, globals, rule_files followed, what the spec cannot hold reported."""

from __future__ import annotations

from pathlib import Path

import yaml

from erpgo_monctl.importer import import_files
from tests.importer.conftest import write

CONFIG = """\
global:
  scrape_interval: 30s
  external_labels: {cluster: c1}
rule_files: ["rules/*.yml", "missing.yml"]
alerting:
  alertmanagers:
  - static_configs: [{targets: ["am:9093"]}]
scrape_configs:
- job_name: node
  static_configs: [{targets: ["n1:9100", "n2:9100"], labels: {dc: a}}]
- job_name: api_server
  scheme: https
  metrics_path: /m
  static_configs: [{targets: ["api.example.org"]}]
- job_name: k8s
  kubernetes_sd_configs: [{role: pod}]
  basic_auth: {username: u, password: s3cret}
remote_write:
- url: https://remote/api/v1/write
  basic_auth: {username: u, password: rw-S3CRET}
"""


def test_jobs_globals_and_rule_files(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    write(tmp_path / "rules", "a.yml", "groups:\n- name: a\n  rules:\n  - record: a:b\n    expr: up\n")
    result = import_files([write(tmp_path, "prometheus.yml", CONFIG)])
    spec = yaml.safe_load(result.files["spec.yaml"])
    assert spec["prometheus"] == {
        "scrape_interval": "30s", "scrape_timeout": "10s", "evaluation_interval": "1m",
        "external_labels": {"cluster": "c1"}, "alertmanagers": ["am:9093"],
        "remote_write": [{"url": "https://remote/api/v1/write",
                          "basic_auth": {"username": "u", "password_file": "remote-write-0-password"}}],
    }  # fmt: skip
    assert spec["exporters"] == [
        {"name": "node", "kind": "node", "targets": ["n1:9100", "n2:9100"], "labels": {"dc": "a"}}
    ]
    assert spec["services"] == [
        {"name": "api-server", "targets": ["api.example.org:443"], "metrics_path": "/m", "scheme": "https"}
    ]
    assert spec["recording_rules"][0]["name"] == "a"  # followed from rule_files, relative to the config
    codes = {(d.line, d.code) for d in result.diagnostics if d.severity == "error"}
    assert codes == {
        (4, "I004"),  # missing.yml
        (11, "I013"),  # api_server is not a slug: the job label changes
        (14, "I013"),  # a target without port
        (16, "I010"),  # k8s: kubernetes_sd_configs
        (17, "I010"),  # k8s: basic_auth (its secret is not copied)
        (15, "I010"),  # k8s has no static targets
    }
    assert "s3cret" not in result.files["spec.yaml"] and "rw-S3CRET" not in result.files["spec.yaml"]


def test_seed_recording_rules_inside_prometheus_yml_are_moved_and_reported(seed_configs: Path) -> None:
    result = import_files([seed_configs / "prometheus.yml"])
    spec = yaml.safe_load(result.files["spec.yaml"])
    assert [r["record"] for r in spec["recording_rules"][0]["rules"]][:2] == [
        "job:http_requests:rate5m",
        "job:http_requests_errors:rate5m",
    ]
    defect = [d for d in result.diagnostics if d.path == "recording_rules"]
    assert defect[0].code == "I011" and "promtool check config fails" in defect[0].message
    # the seed lists a recording_rules.yml that does not exist
    assert [d.code for d in result.diagnostics if d.path == "rule_files[1]"] == ["I004"]
