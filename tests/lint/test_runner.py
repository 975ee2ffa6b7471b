"""The runner (erpgo_monctl/lint/__init__.py): `lint:` settings, `lint_ignore`, unknown and unused ids."""

from __future__ import annotations

import pytest

from erpgo_monctl.diagnostics import MonctlError
from erpgo_monctl.lint import RULE_CHECKS, item_path
from erpgo_monctl.pipeline import load_model
from tests.lint.conftest import Linter, alert, alerts, metric, panel

NO_FOR = alerts(alert(for_=None))


def test_defaults_apply_without_configuration(lint: Linter) -> None:
    assert [(d.code, d.severity) for d in lint(alerts=NO_FOR)] == [("alerts/for-missing", "info")]


def test_disable_turns_a_rule_off(lint: Linter) -> None:
    assert lint(alerts=NO_FOR, lint={"disable": ["alerts/for-missing"]}) == []


def test_severity_overrides_and_off(lint: Linter) -> None:
    raised = lint(alerts=NO_FOR, lint={"severity": {"alerts/for-missing": "error"}})
    assert [(d.code, d.severity) for d in raised] == [("alerts/for-missing", "error")]
    assert lint(alerts=NO_FOR, lint={"severity": {"alerts/for-missing": "off"}}) == []


def test_severity_override_applies_to_cases_with_their_own_default(lint: Linter) -> None:
    query = "histogram_quantile(0.9, rate(x_bucket[5m]))"
    assert [d.severity for d in lint(dashboards=panel(query))] == ["warning"]
    configured = lint(
        dashboards=panel(query), lint={"severity": {"promql/histogram-quantile-without-le": "info"}}
    )
    assert [d.severity for d in configured] == ["info"]


def test_unknown_rule_ids_in_configuration_are_located(lint: Linter) -> None:
    found = lint(lint={"disable": ["alerts/for-mising"], "severity": {"nonsense/rule": "warning"}})
    assert [(d.code, d.path, d.severity) for d in found] == [
        ("lint/unknown-rule", "lint.disable[0]", "error"),
        ("lint/unknown-rule", "lint.severity.nonsense/rule", "error"),
    ]
    assert "did you mean alerts/for-missing?" in found[0].message
    assert found[0].line > 0


def test_lint_ignore_silences_one_rule_on_its_item(lint: Linter) -> None:
    ignore = [{"rule": "metrics/high-cardinality-label", "reason": "bounded by the proxy's allow-list"}]
    silenced = metric("auth_failures_total", "counter", ["ip"], lint_ignore=ignore)
    other = metric("logins_total", "counter", ["user_id"])
    found = lint(metrics=[silenced, other])
    assert [(d.code, d.path) for d in found] == [("metrics/high-cardinality-label", "metrics[1].labels[0]")]


def test_lint_ignore_on_alerts_panels_and_log_jobs(lint: Linter) -> None:
    def ignore(rule: str) -> list[dict[str, str]]:
        return [{"rule": rule, "reason": "deliberate: see the runbook"}]

    logging = {
        "jobs": [
            {
                "name": "app",
                "paths": ["/var/log/x.log"],
                "pipeline": [{"labels": ["request_id"]}],
                "lint_ignore": ignore("logs/high-cardinality-label"),
            }
        ]
    }
    found = lint(
        alerts=alerts(alert("Watchdog", expr="vector(1)", lint_ignore=ignore("alerts/no-comparison"))),
        dashboards=panel(
            "histogram_quantile(0.9, rate(x_bucket[5m]))",
            lint_ignore=ignore("promql/histogram-quantile-without-le"),
        ),
        logging=logging,
    )
    assert found == []


def test_unknown_and_unused_ignores_are_reported(lint: Linter) -> None:
    entries = [
        {"rule": "metrics/high-cardinality-labels", "reason": "typo"},
        {"rule": "alerts/for-missing", "reason": "nothing to silence on a metric"},
    ]
    found = lint(metrics=[metric("ok_total", "counter", lint_ignore=entries)])
    assert [(d.code, d.path) for d in found] == [
        ("lint/unknown-rule", "metrics[0].lint_ignore[0].rule"),
        ("lint/unused-ignore", "metrics[0].lint_ignore[1]"),
    ]


def test_lint_ignore_needs_a_real_reason(lint: Linter) -> None:
    path = lint.write(
        metrics=[metric("a_total", "counter", lint_ignore=[{"rule": "metrics/naming", "reason": " "}])]
    )
    with pytest.raises(MonctlError) as failure:
        load_model(path)
    assert any("reason" in d.message for d in failure.value.diagnostics)


@pytest.mark.parametrize(
    ("path", "item"),
    [
        (("alerts", 0, "rules", 3, "expr"), ("alerts", 0, "rules", 3)),
        (("recording_rules", 1, "rules", 0, "expr"), ("recording_rules", 1, "rules", 0)),
        (("metrics", 2, "labels", 0), ("metrics", 2)),
        (("dashboards", 0, "panels", 1, "queries", 0, "expr"), ("dashboards", 0, "panels", 1)),
        (("logging", "jobs", 1, "pipeline", 0, "labels", 0), ("logging", "jobs", 1)),
        (("alerts", 0, "name"), None),
        (("lint", "disable", 0), None),
    ],
)
def test_item_path(path: tuple[str | int, ...], item: tuple[str | int, ...] | None) -> None:
    assert item_path(path) == item


def test_every_rules_module_is_registered() -> None:
    """The static registry names the check of every lint/rules_*.py module, once."""
    from pathlib import Path

    import erpgo_monctl.lint

    modules = sorted(p.stem for p in Path(erpgo_monctl.lint.__file__).parent.glob("rules_*.py"))
    assert sorted(check.__module__.rpartition(".")[2] for check in RULE_CHECKS) == modules


def test_ignore_of_a_disabled_rule_is_not_reported_unused(lint: Linter) -> None:
    entries = [{"rule": "alerts/for-missing", "reason": "kept for when the rule is enabled again"}]
    found = lint(
        metrics=[metric("ok_total", "counter", lint_ignore=entries)], lint={"disable": ["alerts/for-missing"]}
    )
    assert found == []
