"""The alerts of an SLO: custom window tables, disabled alerts, min_events, the no-data alert, SLO labels."""

from __future__ import annotations

import promql_parser

from erpgo_monctl.render.rules import build_slo_rules
from erpgo_monctl.resolve.slo_math import (
    min_events_windows,
    ratio_windows,
    slo_alert_names,
    window_events_expr,
)
from tests.slo_specs import AVAILABILITY, model_of, spec_text

CUSTOM = """\
  alerting:
    page:
      windows:
        - {long: 2h, short: 10m, factor: 10}
    ticket:
      windows:
        - {long: 12h, short: 1h, factor: 2}
        - {long: 2d, short: 4h, factor: 1}
"""


def rules_of(extra: str) -> list[dict[str, object]]:
    (group,) = build_slo_rules(model_of(spec_text(AVAILABILITY + extra)))["groups"]
    rules: list[dict[str, object]] = group["rules"]
    return rules


def test_a_custom_window_table_replaces_the_workbook_conditions() -> None:
    rules = rules_of(CUSTOM)
    page, ticket = (r for r in rules if "alert" in r)
    assert 'slo:sli_error:ratio_rate2h{slo="availability", service="api"} > (10 * 0.001)' in str(page["expr"])
    assert "ratio_rate1h{" not in str(page["expr"]) and "14.4" not in str(page["expr"])
    assert "(2 * 0.001)" in str(ticket["expr"]) and "ratio_rate2d{" in str(ticket["expr"])
    model = model_of(spec_text(AVAILABILITY + CUSTOM))
    assert ratio_windows(model.spec.slos[0]) == ["5m", "10m", "1h", "2h", "4h", "12h", "2d", "30d"]


def test_a_disabled_page_leaves_the_ticket_only() -> None:
    rules = rules_of("  alerting: {page: {disable: true}}\n")
    assert [r["labels"]["slo_alert"] for r in rules if "alert" in r] == ["ticket"]  # type: ignore[index]


def test_min_events_adds_an_event_count_to_every_page_condition() -> None:
    rules = rules_of("  alerting: {page: {min_events: 5000}}\n")
    page, ticket = (r for r in rules if "alert" in r)
    expr = str(page["expr"])
    assert 'slo:sli_total:increase1h{slo="availability", service="api"} >= 5000' in expr
    assert 'slo:sli_total:increase6h{slo="availability", service="api"} >= 5000' in expr
    assert "increase" not in str(ticket["expr"])
    records = {r.get("record"): r["expr"] for r in rules if "record" in r}
    assert records["slo:sli_total:increase1h"] == "(sum(rate(http_requests_total[1h]))) * 3600"
    promql_parser.parse(expr)


def test_an_increase_total_counts_events_as_written() -> None:
    model = model_of(
        spec_text(AVAILABILITY.replace("rate(", "increase(") + "  alerting: {ticket: {min_events: 100}}\n")
    )
    slo = model.spec.slos[0]
    assert min_events_windows(slo) == ["1d", "3d"]
    assert window_events_expr(slo, "1d") == "sum(increase(http_requests_total[1d]))"


def test_the_no_data_alert_reads_the_recorded_total() -> None:
    rules = rules_of("  alerting: {no_data: {for: 15m, severity: critical}}\n")
    missing = next(r for r in rules if r.get("alert") == "AvailabilitySLINoData")
    assert missing["expr"] == 'absent(slo:sli_total:rate5m{slo="availability", service="api"})'
    assert missing["for"] == "15m"
    assert missing["labels"] == {
        "severity": "critical",
        "service": "api",
        "slo": "availability",
        "slo_alert": "no_data",
    }
    model = model_of(spec_text(AVAILABILITY + "  alerting: {no_data: {}}\n"))
    assert "AvailabilitySLINoData" in slo_alert_names(model.spec.slos)
    assert "AvailabilitySLINoData" in {a.name for a in model.alerts}
    assert not any(r.get("alert") == "AvailabilitySLINoData" for r in rules_of(""))


def test_slo_labels_are_on_every_rule_recording_rules_too() -> None:
    rules = rules_of("  labels: {team: shop, tier: '1'}\n  alerting: {no_data: {}}\n")
    assert len(rules) > 10
    for rule in rules:
        labels = rule["labels"]
        assert labels["team"] == "shop" and labels["tier"] == "1", rule  # type: ignore[index]
