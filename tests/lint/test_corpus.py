"""No false alarms on curated rules: kube-prometheus' node-exporter rules, converted to a spec, lint clean.

The conversion lives here (the validate suite's tests/cases/corpus/ may convert it too); it maps a
PrometheusRule manifest onto the spec as faithfully as the spec allows.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.lint import lint_model
from erpgo_monctl.pipeline import load_model
from tests.conftest import REPO
from tests.lint.conftest import BASE

# carried in the repository (tests/cases/corpus/README.md), so a clone without ../shared runs this
CORPUS = REPO / "tests" / "cases" / "corpus" / "kube-prometheus-node-exporter-rules.yaml"

# Every finding below warning level on the corpus, each defensible (see the lint report):
# three alerts fire at once by design, and the alert group holds 26 rules.
EXPECTED_INFO = {
    ("alerts/for-missing", "alerts[0].rules[10]"),  # NodeHighNumberConntrackEntriesUsed
    ("alerts/for-missing", "alerts[0].rules[11]"),  # NodeTextFileCollectorScrapeError
    ("alerts/for-missing", "alerts[0].rules[15]"),  # NodeRAIDDiskFailure
    ("alerts/group-too-large", "alerts[0].name"),
}


def corpus_spec() -> dict[str, Any]:
    """The PrometheusRule's groups as spec alerts and recording rules, scraped by a node-exporter job."""
    manifest = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    spec: dict[str, Any] = {**BASE, "name": "node-exporter-corpus", "alerts": [], "recording_rules": []}
    spec["exporters"] = [
        {"name": "node-exporter", "kind": "node", "targets": ["node-exporter:9100"], "scrape_interval": "15s"}
    ]
    for group in manifest["spec"]["groups"]:
        alerts, records = [], []
        for rule in group["rules"]:
            if "record" in rule:
                records.append({"record": rule["record"], "expr": rule["expr"]})
                continue
            labels = dict(rule.get("labels", {}))
            annotations = dict(rule.get("annotations", {}))
            converted: dict[str, Any] = {
                "alert": rule["alert"],
                "expr": rule["expr"],
                "severity": labels.pop("severity"),
                "summary": annotations.pop("summary"),
                "description": annotations.pop("description"),
                "runbook_url": annotations.pop("runbook_url"),
            }
            if "for" in rule:
                converted["for"] = rule["for"]
            if labels:
                converted["labels"] = labels
            if annotations:
                converted["annotations"] = annotations
            alerts.append(converted)
        if alerts:
            spec["alerts"].append({"name": group["name"], "rules": alerts})
        if records:
            spec["recording_rules"].append({"name": group["name"], "rules": records})
    return spec


@pytest.fixture(scope="module")
def corpus_findings(tmp_path_factory: pytest.TempPathFactory) -> list[Diagnostic]:
    if not CORPUS.is_file():
        pytest.skip(f"corpus not found at {CORPUS}")
    path = tmp_path_factory.mktemp("corpus") / "node-exporter.yaml"
    path.write_text(yaml.safe_dump(corpus_spec(), sort_keys=False), encoding="utf-8")
    model, _ = load_model(path)
    return lint_model(model)


def test_conversion_keeps_every_rule() -> None:
    spec = corpus_spec()
    assert sum(len(g["rules"]) for g in spec["alerts"]) == 26
    assert sum(len(g["rules"]) for g in spec["recording_rules"]) == 15


def test_curated_rules_have_no_error_or_warning(corpus_findings: list[Diagnostic]) -> None:
    serious = [d.as_text() for d in corpus_findings if d.severity != "info"]
    assert serious == []


def test_curated_rules_only_get_the_defensible_infos(corpus_findings: list[Diagnostic]) -> None:
    assert {(d.code, d.path) for d in corpus_findings} == EXPECTED_INFO
