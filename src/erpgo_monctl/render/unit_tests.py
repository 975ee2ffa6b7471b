"""tests/: promtool unit-test files, generated for every SLO and compiled from the spec's `tests:`."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model, rule_file_names
from erpgo_monctl.resolve.slo import slo_alert_names
from erpgo_monctl.resolve.slo_tests import slo_test_file
from erpgo_monctl.spec.unit_tests import AlertTest

TESTS_DIR = PurePosixPath("tests")


def user_test_file(model: Model, test: AlertTest) -> dict[str, Any]:
    """A spec `tests:` entry as a promtool test document over the rendered rule files."""
    uses_slo = any(check.alertname in slo_alert_names(model) for check in test.alert_tests)
    files = [f"../configs/{name}" for name in rule_file_names(model) if name != "slo_rules.yml" or uses_slo]
    checks = []
    for check in test.alert_tests:
        expected = []
        for alert in check.exp_alerts:
            entry: dict[str, Any] = {"exp_labels": dict(alert.labels)}
            if alert.annotations:
                entry["exp_annotations"] = dict(alert.annotations)
            expected.append(entry)
        checks.append({"eval_time": check.eval_time, "alertname": check.alertname, "exp_alerts": expected})
    group = {
        "name": test.name,
        "interval": test.interval,
        "input_series": [{"series": s.series, "values": s.values} for s in test.input_series],
        "alert_rule_test": checks,
    }
    interval = test.evaluation_interval or model.spec.prometheus.evaluation_interval
    return {"rule_files": files, "evaluation_interval": interval, "tests": [group]}


def test_file_path(name: str) -> PurePosixPath:
    return TESTS_DIR / f"{name}_test.yml"


def render(model: Model) -> Files:
    """tests/slo_<name>_test.yml for every SLO and tests/<name>_test.yml for every spec test."""
    files: Files = {}
    for slo in model.spec.slos:
        doc, _ = slo_test_file(model, slo)
        if doc is not None:
            files[test_file_path(f"slo_{slo.name}")] = dump_yaml(doc, model.header).encode()
    for test in model.spec.tests:
        files[test_file_path(test.name)] = dump_yaml(user_test_file(model, test), model.header).encode()
    return files
