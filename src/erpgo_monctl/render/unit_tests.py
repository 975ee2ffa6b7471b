"""tests/: promtool unit-test files, the SLO test plans (made in resolve) and the spec's `tests:`."""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import COMPOSE, unit_test_path
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.resolve.slo_math import slo_alert_names
from erpgo_monctl.spec.unit_tests import AlertTest


def user_test_file(model: Model, test: AlertTest) -> dict[str, Any]:
    """A spec `tests:` entry as a promtool test document over the rendered rule files."""
    uses_slo = any(check.alertname in slo_alert_names(model.spec.slos) for check in test.alert_tests)
    slo_rules = COMPOSE.path("slo_rules").name
    files = [f"../configs/{name}" for name in model.rule_files if name != slo_rules or uses_slo]
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


def render(model: Model) -> Files:
    """tests/slo_<name>_test.yml per SLO with a test plan, and tests/<name>_test.yml per spec test."""
    files: Files = {}
    for plan in model.slo_test_plans:
        if plan.document is not None:
            files[unit_test_path(f"slo_{plan.slo.name}")] = dump_yaml(plan.document, model.header).encode()
    for test in model.spec.tests:
        files[unit_test_path(test.name)] = dump_yaml(user_test_file(model, test), model.header).encode()
    return files
