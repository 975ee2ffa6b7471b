"""LintContext: the expression inventory, catalog series kinds and scrape intervals rules rely on."""

from __future__ import annotations

from erpgo_monctl.lint.context import LintContext
from erpgo_monctl.pipeline import load_model
from tests.lint.conftest import BASE, Linter, alert, alerts, metric, panel, records


def context(lint: Linter, **sections: object) -> LintContext:
    model, _ = load_model(lint.write(**sections))
    return LintContext(model)


def test_expressions_cover_records_alerts_and_prometheus_panels_only(lint: Linter) -> None:
    logs_panel = {"title": "Logs", "type": "logs", "datasource": "loki", "queries": [{"expr": '{job="a"}'}]}
    dashboards = panel("sum(up)")
    dashboards[0]["panels"].append(logs_panel)
    ctx = context(
        lint,
        recording_rules=records(("job:up:sum", "sum by (job) (up)")),
        alerts=alerts(alert()),
        dashboards=dashboards,
        stack={**BASE["stack"], "loki": {"image": "grafana/loki:3.5.5"}},
        logging={"jobs": []},
    )
    assert [(site.kind, site.text) for site in ctx.expressions()] == [
        ("record", "sum by (job) (up)"),
        ("alert", "sum(rate(x_total[5m])) > 1"),
        ("panel", "sum(up)"),
    ]


def test_series_kind_follows_the_catalog(lint: Linter) -> None:
    ctx = context(
        lint,
        metrics=[
            metric("a_total", "counter"),
            metric("g", "gauge"),
            metric("h_seconds", "histogram"),
            metric("s_seconds", "summary"),
        ],
    )
    assert ctx.series_kind("a_total") == "counter"
    assert ctx.series_kind("g") == "gauge"
    assert (
        ctx.series_kind("h_seconds_bucket") == "counter" and ctx.series_kind("h_seconds_count") == "counter"
    )
    assert ctx.series_kind("s_seconds") == "gauge" and ctx.series_kind("s_seconds_sum") == "counter"
    assert ctx.series_kind("s_seconds_bucket") is None
    assert ctx.series_kind("h_seconds") is None and ctx.series_kind("unknown_total") is None


def test_scrape_interval_of_a_job_or_the_global_one(lint: Linter) -> None:
    ctx = context(
        lint,
        prometheus={"scrape_interval": "20s"},
        services=[
            {"name": "api", "targets": ["api:8080"], "scrape_interval": "1m"},
            {"name": "web", "targets": ["web:80"]},
        ],
    )
    assert ctx.scrape_interval("api") == 60
    assert ctx.scrape_interval("web") == 20
    assert ctx.scrape_interval("nope") == 20 and ctx.scrape_interval(None) == 20


def test_parse_caches_and_tolerates_bad_promql(lint: Linter) -> None:
    ctx = context(lint)
    assert ctx.parse("up") is ctx.parse("up")
    assert ctx.parse("sum(") is None
