"""The SLO math: budgets, burn factors per SLO window, clean decimals, names, SLI expressions."""

from __future__ import annotations

from decimal import Decimal

import promql_parser
import pytest

from erpgo_monctl.resolve.slo_alerts import burn_alerts
from erpgo_monctl.resolve.slo_math import (
    BURN_WINDOWS,
    alert_name,
    clean,
    error_budget,
    le_matcher,
    objective_ratio,
    period_error_ratio_expr,
    placeholder_problem,
    ratio_windows,
    scaled_windows,
    sli_error_ratio_expr,
    sli_errors_expr,
)
from erpgo_monctl.spec.rules import SLO


def slo(**changes: object) -> SLO:
    data: dict[str, object] = {
        "name": "api-availability",
        "service": "erpgo-api",
        "objective": 99.9,
        "sli": {
            "events": {
                "errors": 'sum(rate(x_total{code=~"5.."}[{{window}}]))',
                "total": "sum(rate(x_total[{{window}}]))",
            }
        },
    }
    data.update(changes)
    return SLO.model_validate(data)


@pytest.mark.parametrize(
    ("objective", "budget", "ratio"),
    [
        (99.9, "0.001", "0.999"),
        (99.95, "0.0005", "0.9995"),
        (95, "0.05", "0.95"),
        (99.99, "0.0001", "0.9999"),
    ],
)
def test_budget_is_exact_decimal(objective: float, budget: str, ratio: str) -> None:
    chosen = slo(objective=objective)
    assert error_budget(chosen) == Decimal(budget)
    assert objective_ratio(chosen) == Decimal(ratio)
    assert clean(error_budget(chosen)) == budget


# The SRE Workbook's 30d table; other SLO windows scale the windows (whole minutes, at least 2m)
# and keep the factors, so no factor is below 1 (issue 14, bug 1).
@pytest.mark.parametrize(
    ("window", "pairs"),
    [
        ("30d", [("1h", "5m"), ("6h", "30m"), ("1d", "2h"), ("3d", "6h")]),
        ("28d", [("56m", "5m"), ("5h36m", "28m"), ("22h24m", "1h52m"), ("2d19h12m", "5h36m")]),
        ("4w", [("56m", "5m"), ("5h36m", "28m"), ("22h24m", "1h52m"), ("2d19h12m", "5h36m")]),
        ("14d", [("28m", "2m"), ("2h48m", "14m"), ("11h12m", "56m"), ("1d9h36m", "2h48m")]),
        ("7d", [("14m", "2m"), ("1h24m", "7m"), ("5h36m", "28m"), ("16h48m", "1h24m")]),
        ("1d", [("2m", "2m"), ("12m", "2m"), ("48m", "4m"), ("2h24m", "12m")]),
        ("90d", [("3h", "15m"), ("18h", "1h30m"), ("3d", "6h"), ("9d", "18h")]),
    ],
)
def test_windows_scale_with_the_slo_window_and_factors_stay(
    window: str, pairs: list[tuple[str, str]]
) -> None:
    scaled = scaled_windows(window)
    assert [(w.long, w.short) for w in scaled] == pairs
    assert [clean(w.factor) for w in scaled] == ["14.4", "6", "3", "1"]
    assert [w.kind for w in scaled] == ["page", "page", "ticket", "ticket"]


def test_no_factor_is_below_one_for_any_window() -> None:
    for window in ("1d", "3d", "7d", "14d", "28d", "30d", "90d", "365d"):
        assert min(w.factor for w in scaled_windows(window)) >= 1, window


def test_windows_pair_long_with_a_twelfth_short() -> None:
    assert [(w.kind, w.long, w.short) for w in BURN_WINDOWS] == [
        ("page", "1h", "5m"),
        ("page", "6h", "30m"),
        ("ticket", "1d", "2h"),
        ("ticket", "3d", "6h"),
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0009999999999999432, "0.001"),
        (Decimal("14.4"), "14.4"),
        (Decimal("1.0"), "1"),
        (100, "100"),
        (Decimal(28) / 30, "0.933333333333"),
        (0.1 + 0.2, "0.3"),
        (2.0, "2"),
        (0.25, "0.25"),
        (1e-05, "0.00001"),
    ],
)
def test_clean_prints_numbers_without_float_noise(value: float | Decimal, text: str) -> None:
    assert clean(value) == text


def test_alert_names_are_camel_case_and_overridable() -> None:
    assert alert_name(slo(), "page") == "ApiAvailabilityErrorBudgetBurn"
    assert alert_name(slo(), "ticket") == "ApiAvailabilityErrorBudgetBurn"
    custom = slo(alerting={"page": {"name": "ApiDownFast"}})
    assert alert_name(custom, "page") == "ApiDownFast"
    assert alert_name(custom, "ticket") == "ApiAvailabilityErrorBudgetBurn"


def test_ratio_windows_end_with_the_slo_window_once() -> None:
    assert ratio_windows(slo()) == ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"]
    assert ratio_windows(slo(window="7d")) == [
        "2m", "5m", "7m", "14m", "28m", "1h24m", "5h36m", "16h48m", "7d"
    ]  # fmt: skip
    assert ratio_windows(slo(window="1d")) == ["2m", "4m", "5m", "12m", "48m", "2h24m", "1d"]


def test_le_matcher_accepts_both_spellings_of_a_whole_bound() -> None:
    assert le_matcher(2) == 'le=~"2|2\\\\.0"'
    assert le_matcher(2.0) == le_matcher(2)
    assert le_matcher(0.25) == 'le="0.25"'
    assert le_matcher(2.5) == 'le="2.5"'


def test_events_ratio_substitutes_the_window_in_both_queries() -> None:
    expr = sli_error_ratio_expr(slo(), "1h")
    assert expr == (
        '((sum(rate(x_total{code=~"5.."}[1h]))) or (0 * (sum(rate(x_total[1h]))))) / (sum(rate(x_total[1h])))'
    )
    fallback = slo(sli={"events": {"errors": 'sum(rate(x_total{code=~"5.."}[{{window}}])) or vector(0)',
                                   "total": "sum(rate(x_total[{{window}}]))"}})  # fmt: skip
    assert sli_error_ratio_expr(fallback, "1h") == (
        '(sum(rate(x_total{code=~"5.."}[1h])) or vector(0)) / (sum(rate(x_total[1h])))'
    )  # its own `or vector(0)` already gives a series: no second fallback
    assert "{{window}}" not in expr
    promql_parser.parse(expr)


def test_latency_ratio_is_one_minus_good_over_all() -> None:
    latency = slo(sli={"latency": {"metric": "req_seconds", "threshold": 2, "selector": 'job="api"'}})
    assert sli_error_ratio_expr(latency, "5m") == (
        '1 - (sum(rate(req_seconds_bucket{job="api", le=~"2|2\\\\.0"}[5m]))'
        ' / sum(rate(req_seconds_count{job="api"}[5m])))'
    )
    assert sli_errors_expr(latency, "5m").startswith('sum(rate(req_seconds_count{job="api"}[5m])) - sum(')
    no_selector = slo(sli={"latency": {"metric": "req_seconds", "threshold": 0.5}})
    assert "req_seconds_count{}" in sli_error_ratio_expr(no_selector, "5m")
    promql_parser.parse(sli_error_ratio_expr(latency, "5m"))


def test_period_ratio_sums_events_instead_of_averaging_ratios() -> None:
    expr = period_error_ratio_expr(slo())
    assert "avg_over_time" not in expr and "ratio_rate5m" not in expr
    parsed = promql_parser.parse(expr)
    assert isinstance(parsed, promql_parser.BinaryExpr) and str(parsed.op) == "/"
    for side, record in ((parsed.lhs, "slo:sli_error:rate5m"), (parsed.rhs, "slo:sli_total:rate5m")):
        assert isinstance(side, promql_parser.Call) and side.func.name == "sum_over_time"
        matrix = side.args[0]
        assert matrix.vector_selector.name == record
        assert matrix.range.total_seconds() == 30 * 86400


def test_burn_alerts_or_two_conditions_of_long_and_short_windows() -> None:
    page, ticket = burn_alerts(slo())
    assert (page.kind, page.rule.severity, ticket.kind, ticket.rule.severity) == (
        "page",
        "critical",
        "ticket",
        "warning",
    )
    assert [(w.long, w.short, clean(f)) for w, f in page.conditions] == [
        ("1h", "5m", "14.4"),
        ("6h", "30m", "6"),
    ]
    assert "> (14.4 * 0.001)" in page.rule.expr and "> (6 * 0.001)" in page.rule.expr
    assert "> (1 * 0.001)" in ticket.rule.expr
    parsed = promql_parser.parse(page.rule.expr)
    assert str(parsed.op) == "or"
    assert str(parsed.lhs.expr.op) == "and"
    assert page.rule.labels == {"slo": "api-availability", "service": "erpgo-api", "slo_alert": "page"}


def test_alerting_overrides_severity_labels_annotations_and_disable() -> None:
    chosen = slo(
        alerting={
            "page": {
                "severity": "warning",
                "labels": {"team": "api", "slo": "ignored"},
                "annotations": {"summary": "burning", "dashboard": "https://grafana/d/slo"},
            },
            "ticket": {"disable": True},
        }
    )
    (page,) = burn_alerts(chosen)
    assert page.rule.severity == "warning"
    assert page.rule.labels == {
        "team": "api",
        "slo": "api-availability",
        "service": "erpgo-api",
        "slo_alert": "page",
    }
    assert page.rule.summary == "burning"
    assert page.rule.annotations == {"dashboard": "https://grafana/d/slo"}


def test_default_description_states_objective_conditions_and_time_left() -> None:
    page, _ = burn_alerts(slo())
    assert "99.9%" in page.rule.description
    assert "above 14.4x the budget over 1h and 5m" in page.rule.description
    assert "lasts 2.1 days" in page.rule.description


def test_placeholder_problems_explain_the_fix() -> None:
    assert placeholder_problem("rate(x[{{window}}])") is None
    assert "without spaces" in (placeholder_problem("rate(x[{{ window }}])") or "")
    assert "{{window}}" in (placeholder_problem("rate(x[5m])") or "")


def test_raw_and_time_slice_ratios() -> None:
    raw = slo(sli={"raw": {"error_ratio": "sum(rate(e[{{window}}])) / sum(rate(t[{{window}}]))"}})
    assert sli_error_ratio_expr(raw, "1h") == "sum(rate(e[1h])) / sum(rate(t[1h]))"
    assert period_error_ratio_expr(raw) == (
        'avg_over_time(slo:sli_error:ratio_rate5m{slo="api-availability", service="erpgo-api"}[30d])'
    )
    up = slo(sli={"time_slices": {"selector": 'up{job="api"}'}})
    assert sli_error_ratio_expr(up, "5m") == (
        '1 - (sum(sum_over_time(up{job="api"}[5m])) / sum(count_over_time(up{job="api"}[5m])))'
    )
    assert sli_errors_expr(up, "5m") == (
        'sum(count_over_time(up{job="api"}[5m])) - sum(sum_over_time(up{job="api"}[5m]))'
    )
    for chosen in (raw, up):
        promql_parser.parse(sli_error_ratio_expr(chosen, "5m"))
