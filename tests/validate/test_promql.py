"""PromQL parses where the spec holds it, located at the value that holds it."""

from __future__ import annotations

from erpgo_monctl.resolve.model import Model
from erpgo_monctl.validate import promql
from tests.validate.builder import alert, context, minimal


def test_erpgo_spec_expressions_all_parse(erpgo_model: Model) -> None:
    from erpgo_monctl.validate import Context

    assert promql.check(Context(erpgo_model)) == []


def test_alert_syntax_error_is_located_at_its_expr() -> None:
    data = minimal()
    data["alerts"][0]["rules"].append(alert("Broken", "sum(rate(up[5m])"))
    [found] = promql.check(context(data))
    assert (found.code, found.path) == ("E201", "alerts[0].rules[1].expr")
    assert "unclosed left parenthesis" in found.message
    assert found.line > 1


def test_slo_events_parse_with_the_window_substituted() -> None:
    data = minimal()
    data["slos"] = [
        {
            "name": "avail",
            "service": "shop-api",
            "objective": 99.9,
            "sli": {
                "events": {
                    "errors": 'sum(rate(http_requests_total{code=~"5.."}[{{window}}]))',
                    "total": "sum(rate(http_requests_total[{{window}}])",
                }
            },
        }
    ]
    [found] = promql.check(context(data))
    assert (found.code, found.path) == ("E201", "slos[0].sli.events.total")


def test_grafana_variables_parse_and_loki_queries_are_not_promql() -> None:
    data = minimal()
    panels = data["dashboards"][0]["panels"]
    panels[0]["queries"][0]["expr"] = 'sum(rate(http_requests_total{job="$job"}[$__rate_interval]))'
    panels.append(
        {"title": "Logs", "type": "logs", "datasource": "loki", "queries": [{"expr": '{job="x"} |= "err"'}]}
    )
    assert promql.check(context(data)) == []
