"""configs/slo_rules.yml: one group per SLO, labelled rules, burn-rate alerts, accepted by promtool."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import promql_parser
import pytest
import yaml

from erpgo_monctl.render.alertmanager import build_alertmanager_config
from erpgo_monctl.render.rules import build_slo_rules, render
from erpgo_monctl.resolve.model import Model
from tests.conftest import need
from tests.slo_specs import AVAILABILITY, model_of, spec_text

RECORDS = (
    ["slo:sli_error:rate5m", "slo:sli_total:rate5m"]
    + [f"slo:sli_error:ratio_rate{w}" for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d")]
    + [
        "slo:objective:ratio",
        "slo:error_budget:ratio",
        "slo:period_error_budget_remaining:ratio",
        "slo:period_burn_rate:ratio",
        "slo:current_burn_rate:ratio",
    ]
)


@pytest.fixture(scope="module")
def slo_rules(rendered: dict[PurePosixPath, bytes]) -> dict[str, Any]:
    return yaml.safe_load(rendered[PurePosixPath("configs/slo_rules.yml")])


def groups_by_name(doc: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {group["name"]: group["rules"] for group in doc["groups"]}


def test_one_group_per_erpgo_slo_with_every_record(slo_rules: dict[str, Any]) -> None:
    groups = groups_by_name(slo_rules)
    assert sorted(groups) == ["slo-api-availability", "slo-api-latency"]
    for rules in groups.values():
        assert [r["record"] for r in rules if "record" in r] == RECORDS


def test_every_rule_carries_slo_and_service(slo_rules: dict[str, Any]) -> None:
    for name, rules in groups_by_name(slo_rules).items():
        for rule in rules:
            assert rule["labels"]["slo"] == name.removeprefix("slo-")
            assert rule["labels"]["service"] == "erpgo-api"


def test_recorded_series_are_read_only_after_they_are_recorded(slo_rules: dict[str, Any]) -> None:
    """Rules of a group run in order: a rule may only read series recorded above it."""
    for rules in groups_by_name(slo_rules).values():
        recorded: set[str] = set()
        for rule in rules:
            for name in {r for r in RECORDS if r + "{" in rule["expr"]}:
                assert name in recorded, (rule.get("record") or rule["alert"], name)
            if "record" in rule:
                recorded.add(rule["record"])


def test_page_and_ticket_alerts_of_the_availability_slo(slo_rules: dict[str, Any]) -> None:
    alerts = [r for r in groups_by_name(slo_rules)["slo-api-availability"] if "alert" in r]
    assert [(a["alert"], a["labels"]["severity"], a["labels"]["slo_alert"]) for a in alerts] == [
        ("ApiAvailabilityErrorBudgetBurn", "critical", "page"),
        ("ApiAvailabilityErrorBudgetBurn", "warning", "ticket"),
    ]
    page, ticket = alerts
    assert "> (14.4 * 0.001)" in page["expr"] and "> (6 * 0.001)" in page["expr"]
    assert "> (3 * 0.001)" in ticket["expr"] and "> (1 * 0.001)" in ticket["expr"]
    assert "for" not in page  # the short window resets the alert; `for` would only delay it
    assert page["annotations"]["runbook_url"] == (
        "https://docs.erpgo.example.com/runbooks/ApiAvailabilityErrorBudgetBurn"
    )
    assert page["annotations"]["summary"] and page["annotations"]["description"]


def test_latency_slo_counts_requests_over_two_seconds(slo_rules: dict[str, Any]) -> None:
    rules = {r.get("record"): r for r in groups_by_name(slo_rules)["slo-api-latency"]}
    expr = rules["slo:sli_error:ratio_rate1h"]["expr"]
    assert expr == (
        '1 - (sum(rate(erpgo_http_request_duration_seconds_bucket{job="erpgo-api", le=~"2|2\\\\.0"}[1h]))'
        ' / sum(rate(erpgo_http_request_duration_seconds_count{job="erpgo-api"}[1h])))'
    )
    assert rules["slo:error_budget:ratio"]["expr"] == "vector(0.05)"
    assert rules["slo:objective:ratio"]["expr"] == "vector(0.95)"


def test_every_expression_parses(slo_rules: dict[str, Any]) -> None:
    exprs = [rule["expr"] for rules in groups_by_name(slo_rules).values() for rule in rules]
    assert len(exprs) >= 30  # two SLOs' recording rules and alerts, not an empty file
    for expr in exprs:
        assert promql_parser.parse(expr) is not None, expr


def test_numbers_are_printed_clean(rendered: dict[PurePosixPath, bytes]) -> None:
    text = rendered[PurePosixPath("configs/slo_rules.yml")].decode()
    assert "0000000" not in text and "9999999" not in text


def test_28d_window_scales_the_windows_not_the_factors() -> None:
    model = model_of(spec_text(AVAILABILITY + "  window: 28d\n"))
    (group,) = build_slo_rules(model)["groups"]
    page, ticket = (r for r in group["rules"] if "alert" in r)
    assert "slo:sli_error:ratio_rate56m{" in page["expr"] and "> (14.4 * 0.001)" in page["expr"]
    assert "slo:sli_error:ratio_rate5h36m{" in page["expr"] and "> (6 * 0.001)" in page["expr"]
    assert "slo:sli_error:ratio_rate2d19h12m{" in ticket["expr"] and "> (1 * 0.001)" in ticket["expr"]
    records = [r.get("record") for r in group["rules"]]
    assert "slo:sli_error:ratio_rate28d" in records and "slo:sli_error:ratio_rate1h" not in records


def test_disabled_ticket_is_not_rendered_and_needs_no_inhibit_rule() -> None:
    model = model_of(spec_text(AVAILABILITY + "  alerting: {ticket: {disable: true}}\n"))
    (group,) = build_slo_rules(model)["groups"]
    assert [r["labels"]["slo_alert"] for r in group["rules"] if "alert" in r] == ["page"]
    assert "inhibit_rules" not in build_alertmanager_config(model)


def test_no_slos_no_file() -> None:
    assert PurePosixPath("configs/slo_rules.yml") not in render(model_of(spec_text(slos="")))


def test_alertmanager_inhibits_the_ticket_while_the_page_fires(rendered: dict[PurePosixPath, bytes]) -> None:
    config = yaml.safe_load(rendered[PurePosixPath("configs/alertmanager.yml")])
    assert {
        "source_matchers": ['slo_alert="page"'],
        "target_matchers": ['slo_alert="ticket"'],
        "equal": ["slo", "service"],
    } in config["inhibit_rules"]


@pytest.mark.parametrize(
    ("kind", "severity", "receiver"), [("page", "critical", "on-call"), ("ticket", "warning", "default")]
)
def test_the_page_reaches_on_call(rendered_dir: Path, kind: str, severity: str, receiver: str) -> None:
    amtool = need("amtool")
    labels = [
        "alertname=ApiAvailabilityErrorBudgetBurn",
        f"severity={severity}",
        f"slo_alert={kind}",
        "slo=api-availability",
        "service=erpgo-api",
    ]
    config = rendered_dir / "configs" / "alertmanager.yml"
    proc = subprocess.run(
        [amtool, "config", "routes", "test", f"--config.file={config}", *labels],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout.strip() == receiver, proc.stdout + proc.stderr


def test_promtool_accepts_the_rule_file(rendered_dir: Path) -> None:
    promtool = need("promtool")
    path = rendered_dir / "configs" / "slo_rules.yml"
    proc = subprocess.run(
        [promtool, "check", "rules", str(path)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS: 34 rules found" in proc.stdout


def test_prometheus_loads_the_rule_file(rendered: dict[PurePosixPath, bytes]) -> None:
    config = yaml.safe_load(rendered[PurePosixPath("configs/prometheus.yml")])
    assert any(str(f).endswith("slo_rules.yml") for f in config["rule_files"])


def test_slo_dashboards_are_rendered_valid_by_grafana(erpgo_model: Model) -> None:
    """The generated dashboards end Model.dashboards, so the Grafana renderer writes one per service."""
    from erpgo_monctl.render import grafana
    from erpgo_monctl.verify.dashboards import bundled_schema_path, check_dashboard, check_dashboard_schema

    generated = [g.dashboard.uid for g in erpgo_model.generated_dashboards]
    assert [d.uid for d in erpgo_model.dashboards][-1:] == generated
    files = grafana.render(erpgo_model)
    doc = json.loads(files[PurePosixPath("configs/grafana/dashboards/slo-erpgo-api.json")])
    assert len(doc["panels"]) == 14  # 7 per SLO
    assert check_dashboard_schema(doc, file="slo", schema_path=bundled_schema_path()) == []
    assert check_dashboard(doc, file="slo", provisioned_uids={d.uid for d in erpgo_model.datasources}) == []
