"""Helpers for lint tests: a minimal valid spec plus the sections a test cares about, linted."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.lint import lint_model
from erpgo_monctl.pipeline import load_model

BASE: dict[str, Any] = {
    "version": 1,
    "name": "lint-test",
    "services": [{"name": "api", "targets": ["api:8080"]}],
    "alertmanager": {
        "route": {"receiver": "default"},
        "receivers": [{"name": "default", "webhook": [{"url": "http://hook:5001/"}]}],
    },
    "incidents": {"runbook_base_url": "https://runbooks.example.com/"},
    "stack": {
        "prometheus": {"image": "prom/prometheus:v3.5.0"},
        "alertmanager": {"image": "prom/alertmanager:v0.28.1"},
        "grafana": {"image": "grafana/grafana:12.2.0"},
    },
}


def alert(
    name: str = "HighErrorRate", expr: str = "sum(rate(x_total[5m])) > 1", **fields: Any
) -> dict[str, Any]:
    """An alerting rule that lints clean unless `fields` say otherwise."""
    rule: dict[str, Any] = {
        "alert": name,
        "expr": expr,
        "for": "5m",
        "severity": "warning",
        "summary": "Something is wrong",
        "description": "Value is {{ $value }}.",
    }
    for key, value in fields.items():
        if value is None:
            rule.pop(key.rstrip("_"), None)
        else:
            rule[key.rstrip("_")] = value
    return rule


def alerts(*rules: dict[str, Any], **group: Any) -> list[dict[str, Any]]:
    return [{"name": "group", "rules": list(rules), **group}]


def records(*pairs: tuple[str, str]) -> list[dict[str, Any]]:
    return [{"name": "records", "rules": [{"record": record, "expr": expr} for record, expr in pairs]}]


def panel(*exprs: str, **fields: Any) -> list[dict[str, Any]]:
    """One dashboard with one timeseries panel of `exprs`."""
    return [
        {
            "title": "Board",
            "panels": [
                {"title": "Panel", "type": "timeseries", "queries": [{"expr": e} for e in exprs], **fields}
            ],
        }
    ]


def metric(name: str, type_: str, labels: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "help": "help text", "labels": labels or [], **fields}


class Linter:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.count = 0

    def write(self, **sections: Any) -> Path:
        spec = copy.deepcopy(BASE)
        spec.update(sections)
        self.count += 1
        path = self.tmp_path / f"spec{self.count}.yaml"
        path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
        return path

    def __call__(self, **sections: Any) -> list[Diagnostic]:
        model, _ = load_model(self.write(**sections))
        return lint_model(model)

    def codes(self, **sections: Any) -> list[tuple[str, str]]:
        """(rule id, spec path) of every finding."""
        return [(d.code, d.path) for d in self(**sections)]


@pytest.fixture
def lint(tmp_path: Path) -> Linter:
    return Linter(tmp_path)


def only(found: list[Diagnostic], rule: str) -> list[Diagnostic]:
    return [d for d in found if d.code == rule]
