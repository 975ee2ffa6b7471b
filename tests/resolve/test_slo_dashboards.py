"""The generated SLO dashboards: one per service, reading the recorded series."""

from __future__ import annotations

import promql_parser

from tests.slo_specs import AVAILABILITY, model_of, spec_text


def test_one_dashboard_per_service_reading_the_recorded_series() -> None:
    latency = """\
- name: latency
  service: api
  objective: 99
  window: 7d
  sli: {latency: {metric: http_request_duration_seconds, threshold: 0.5}}
"""
    model = model_of(spec_text(slos=AVAILABILITY + latency))
    (generated,) = model.generated_dashboards
    dashboard = generated.dashboard
    assert (generated.service, generated.slo, generated.spec_path) == (
        "api",
        "availability",
        ("slos", 0, "service"),
    )
    assert model.dashboards[-1] is dashboard
    assert dashboard.uid == "slo-api" and "slo" in dashboard.tags
    exprs = [q.expr for panel in dashboard.panels for q in panel.queries]
    for record in (
        "slo:objective:ratio",
        "slo:period_error_budget_remaining:ratio",
        "slo:current_burn_rate:ratio",
        "slo:sli_error:ratio_rate30d",
        "slo:sli_error:ratio_rate7d",
        "slo:sli_error:ratio_rate3d",
    ):
        assert any(record in e for e in exprs), record
    assert any('slo="latency"' in e and "/ 0.01" in e for e in exprs)
    for expr in exprs:
        promql_parser.parse(expr)
