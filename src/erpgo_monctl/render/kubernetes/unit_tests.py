"""tests/: the compose target's promtool unit tests, pointed at the PrometheusRules that hold the rules.

The test files are the compose ones (same input series, same expectations), with two
changes: `rule_files` names the PrometheusRule files of the rule file it named
(`../configs/alert_rules.yml` -> `../prometheusrule-<group>.yaml` for every alert group),
and an expected alert carries the `namespace` label the target adds to alerts
(rules.with_namespace_label). promtool cannot read a PrometheusRule: `monctl check`
and `monctl test` run these files in a scratch copy of the tree where each PrometheusRule
file holds its `spec` (a Prometheus rule file: `groups: [...]`).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render import unit_tests as compose_unit_tests
from erpgo_monctl.render.kubernetes.resources import Settings
from erpgo_monctl.render.kubernetes.rules import RuleResource
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model

COMPOSE_RULE_FILES = {
    "../configs/alert_rules.yml": "alerts",
    "../configs/recording_rules.yml": "recording",
    "../configs/slo_rules.yml": "slo",
    "../configs/probe_rules.yml": "probes",
}


def _load(content: bytes) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=False).load(content.decode("utf-8"))


def kubernetes_test_document(
    document: dict[str, Any], rules: list[RuleResource], settings: Settings
) -> dict[str, Any]:
    """One compose test document, rewritten for the PrometheusRule files."""
    files: list[str] = []
    for name in document.get("rule_files", []):
        kind = COMPOSE_RULE_FILES.get(name)
        if kind is None:
            files.append(name)
            continue
        files += [f"../prometheusrule-{rule.name}.yaml" for rule in rules if rule.kind == kind]
    tests = []
    for group in document.get("tests", []):
        group = dict(group)
        if settings.namespace_label and "alert_rule_test" in group:
            checks = group["alert_rule_test"]
            group["alert_rule_test"] = [_with_namespace(check, settings.namespace) for check in checks]
        tests.append(group)
    return {**document, "rule_files": files, "tests": tests}


def _with_namespace(check: dict[str, Any], namespace: str) -> dict[str, Any]:
    expected = []
    for alert in check.get("exp_alerts") or []:
        labels = alert.get("exp_labels", {})
        expected.append({**alert, "exp_labels": {**labels, "namespace": labels.get("namespace", namespace)}})
    return {**check, "exp_alerts": expected} if "exp_alerts" in check else check


def render_unit_tests(model: Model, rules: list[RuleResource], settings: Settings) -> Files:
    files: Files = {}
    for path, content in compose_unit_tests.render(model).items():
        document = kubernetes_test_document(_load(content), rules, settings)
        files[PurePosixPath(path)] = dump_yaml(document, model.header).encode()
    return files
