"""A small spec with a metric catalog, for SLO and alert-test cases (helpers, not tests)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from erpgo_monctl.load.files import load_text
from erpgo_monctl.load.parse import parse_spec
from erpgo_monctl.resolve.model import Model, resolve

BASE = """\
version: 1
name: shop
prometheus:
  retention: 30d
services:
  - name: api
    targets: ["api:8080"]
metrics:
  - {name: http_requests_total, type: counter, help: requests, labels: [code]}
  - {name: http_errors_total, type: counter, help: failed requests}
  - {name: http_request_duration_seconds, type: histogram, help: latency, buckets: [0.1, 0.25, 0.5, 1, 2.5]}
  - {name: queue_depth, type: gauge, help: jobs waiting}
alerts:
  - name: app
    rules:
      - alert: Down
        expr: up == 0
        for: 1m
        severity: critical
        summary: down
        description: "{{ $labels.instance }} is down"
alertmanager:
  smtp: {smarthost: "smtp.example.com:587", from: alerts@example.com}
  route: {receiver: team}
  receivers: [{name: team, email: [{to: team@example.com}]}]
stack:
  prometheus: {image: "prom/prometheus:v3.5.0"}
  alertmanager: {image: "prom/alertmanager:v0.28.1"}
  grafana: {image: "grafana/grafana:12.2.0"}
"""

AVAILABILITY = """\
- name: availability
  service: api
  objective: 99.9
  sli:
    events:
      errors: sum(rate(http_requests_total{code=~"5.."}[{{window}}]))
      total: sum(rate(http_requests_total[{{window}}]))
"""


def spec_text(slos: str = AVAILABILITY, tests: str = "", extra: str = "") -> str:
    """BASE plus `slos:` (and `tests:`) sections written as list items at column 0."""
    text = BASE + extra
    if slos:
        text += "slos:\n" + textwrap.indent(textwrap.dedent(slos), "  ")
    if tests:
        text += "tests:\n" + textwrap.indent(textwrap.dedent(tests), "  ")
    return text


def model_of(text: str) -> Model:
    loaded = load_text(text, "spec.yaml")
    return resolve(parse_spec(loaded), loaded.source)


def write_spec(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, needle: str) -> int:
    """1-based line of the first `needle` in `text`."""
    return text.count("\n", 0, text.index(needle)) + 1


def first_plan(model: Model) -> tuple[dict[str, Any] | None, list[str]]:
    """The test document and notes of the model's first SLO (its test plan, made in resolve)."""
    plan = model.slo_test_plans[0]
    return plan.document, list(plan.notes)
