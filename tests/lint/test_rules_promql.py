"""PromQL rules over recording rules, alerts and panels: each with a failing and a passing case."""

from __future__ import annotations

from tests.lint.conftest import Linter, alert, alerts, metric, only, panel, records

CATALOG = [
    metric("app_requests_total", "counter", ["job", "code"]),
    metric("app_connections", "gauge"),
    metric("app_latency_seconds", "histogram"),
    metric("app_rpc_seconds", "summary"),
]


def test_histogram_quantile_that_drops_le_is_an_error(lint: Linter) -> None:
    found = lint(
        recording_rules=records(
            (
                "job:latency:p95",
                "histogram_quantile(0.95, sum by (job) (rate(app_latency_seconds_bucket[5m])))",
            ),
            ("job:latency:p99", "histogram_quantile(0.99, sum(rate(app_latency_seconds_bucket[5m])))"),
        )
    )
    hits = only(found, "promql/histogram-quantile-without-le")
    assert [(d.path, d.severity) for d in hits] == [
        ("recording_rules[0].rules[0].expr", "error"),
        ("recording_rules[0].rules[1].expr", "error"),
    ]
    assert "drops the `le` label" in hits[0].message


def test_histogram_quantile_without_aggregation_is_a_warning(lint: Linter) -> None:
    found = lint(dashboards=panel("histogram_quantile(0.95, rate(app_latency_seconds_bucket[5m]))"))
    assert [(d.code, d.path, d.severity) for d in found] == [
        ("promql/histogram-quantile-without-le", "dashboards[0].panels[0].queries[0].expr", "warning")
    ]


def test_histogram_quantile_aggregated_by_le_passes(lint: Linter) -> None:
    assert (
        lint(
            dashboards=panel(
                "histogram_quantile(0.95, sum by (le) (rate(app_latency_seconds_bucket[5m])))",
                "histogram_quantile(0.95, sum without (instance) (rate(app_latency_seconds_bucket[5m])))",
                "histogram_quantile(0.95, job:app_latency_seconds_bucket:rate5m)",  # recorded: not judged
                "histogram_quantile(0.95, sum(rate(app_native_seconds[5m])))",  # native histogram: no le
            )
        )
        == []
    )


def test_rate_on_a_gauge_or_summary_quantile_is_reported(lint: Linter) -> None:
    found = lint(
        metrics=CATALOG,
        dashboards=panel(
            "rate(app_connections[5m])", "sum(irate(app_rpc_seconds[1m]))", "increase(app_connections[1h:1m])"
        ),
    )
    hits = only(found, "promql/rate-on-non-counter")
    assert [d.path for d in hits] == [f"dashboards[0].panels[0].queries[{i}].expr" for i in range(3)]
    assert "declares as a gauge" in hits[0].message and "as a summary" in hits[1].message


def test_rate_on_counters_histogram_series_and_unknown_metrics_passes(lint: Linter) -> None:
    found = lint(
        metrics=CATALOG,
        exporters=[{"name": "node-exporter", "kind": "node", "targets": ["node:9100"]}],
        dashboards=panel(
            "sum(rate(app_requests_total[5m]))",
            "sum(rate(app_latency_seconds_count[5m]))",
            "sum(rate(app_rpc_seconds_sum[5m]))",
            "sum(rate(node_unknown_metric[5m]))",
            "deriv(app_connections[5m])",
        ),
    )
    assert only(found, "promql/rate-on-non-counter") == []


def test_counter_used_by_raw_value_is_reported(lint: Linter) -> None:
    found = lint(
        metrics=CATALOG,
        alerts=alerts(
            alert(expr="sum(app_requests_total) > 100"),
            alert("LatencyAverage", expr="app_latency_seconds_sum / app_latency_seconds_count > 1"),
        ),
    )
    hits = only(found, "promql/counter-without-rate")
    assert [d.path for d in hits] == [
        "alerts[0].rules[0].expr",
        "alerts[0].rules[1].expr",
        "alerts[0].rules[1].expr",
    ]
    assert hits[0].severity == "warning"


def test_counter_inside_rate_absent_count_or_and_passes(lint: Linter) -> None:
    found = lint(
        metrics=CATALOG,
        alerts=alerts(
            alert(expr="sum(rate(app_requests_total[5m])) > 1"),
            alert("Missing", expr="absent(app_requests_total)"),
            alert("FewSeries", expr="count(app_requests_total) < 2"),
            alert(
                "Filtered",
                expr="sum(rate(app_requests_total[5m])) > 1 and on() count(app_requests_total) > 0",
            ),
            alert("Connections", expr="app_connections > 10"),
        ),
    )
    assert only(found, "promql/counter-without-rate") == []


def test_range_shorter_than_four_scrape_intervals(lint: Linter) -> None:
    found = lint(
        services=[{"name": "api", "targets": ["api:8080"], "scrape_interval": "30s"}],
        dashboards=panel(
            'rate(x_total{job="api"}[1m30s])', "rate(x_total[20s])", 'rate(x_total{job="api"}[45s])'
        ),
    )
    hits = only(found, "promql/range-too-short")
    assert [(d.path[-10:], d.severity) for d in hits] == [
        ("es[0].expr", "warning"),
        ("es[1].expr", "error"),
        ("es[2].expr", "error"),
    ]
    assert 'job "api" scrape interval of 30s' in hits[0].message and "[2m]" in hits[0].message
    assert "global scrape interval of 15s" in hits[1].message


def test_range_of_four_intervals_and_over_time_functions_pass(lint: Linter) -> None:
    found = lint(
        services=[{"name": "api", "targets": ["api:8080"], "scrape_interval": "30s"}],
        dashboards=panel(
            'rate(x_total{job="api"}[2m])',
            "rate(x_total[1m])",
            "max_over_time(x[15s])",
            "rate(x_total[5m:10s])",
        ),
    )
    assert only(found, "promql/range-too-short") == []


def test_regex_matcher_without_regex_characters(lint: Linter) -> None:
    found = lint(dashboards=panel('sum(rate(x_total{code=~"500", env!~"prod"}[5m]))'))
    hits = only(found, "promql/regex-without-regex-chars")
    assert [d.message.split(":")[0] for d in hits] == [
        'code=~"500" has no regex characters (and regexes are anchored)',
        'env!~"prod" has no regex characters (and regexes are anchored)',
    ]
    assert 'write code="500"' in hits[0].message and 'write env!="prod"' in hits[1].message


def test_real_regexes_pass(lint: Linter) -> None:
    found = lint(
        dashboards=panel('sum(rate(x_total{code=~"5..", fstype!~"tmpfs|overlay", d=~"sd[a-z]"}[5m]))')
    )
    assert only(found, "promql/regex-without-regex-chars") == []


def test_ratio_of_a_metric_to_itself_keeping_the_filtered_label(lint: Linter) -> None:
    found = lint(
        dashboards=panel(
            'rate(x_total{code=~"5.."}[5m]) / rate(x_total[5m])',
            'sum by (code) (rate(x_total{code=~"5..", job="a"}[5m]))'
            ' / sum by (code) (rate(x_total{job="a"}[5m]))',
        )
    )
    hits = only(found, "promql/ratio-always-one")
    assert [d.path for d in hits] == [
        "dashboards[0].panels[0].queries[0].expr",
        "dashboards[0].panels[0].queries[1].expr",
    ]
    assert hits[0].severity == "error" and "`code`" in hits[0].message


def test_ratios_that_aggregate_the_label_away_or_differ_pass(lint: Linter) -> None:
    found = lint(
        dashboards=panel(
            'sum by (job) (rate(x_total{code=~"5.."}[5m])) / sum by (job) (rate(x_total[5m]))',
            'sum(rate(x_total{code=~"5.."}[5m])) / sum(rate(x_total[5m]))',
            "rate(errors_total[5m]) / rate(requests_total[5m])",
            'rate(x_total{code=~"5.."}[5m]) / rate(x_total[10m])',
            'rate(x_total{code=~"5.."}[5m])'
            " / ignoring(code) group_left sum without (code) (rate(x_total[5m]))",
        )
    )
    assert only(found, "promql/ratio-always-one") == []


def test_duplicate_expressions_under_different_names(lint: Linter) -> None:
    found = lint(
        recording_rules=records(
            ("job:x:rate5m", "sum by (job) (rate(x_total[5m]))"),
            ("job:x_total:rate5m", "sum by(job)(rate( x_total[5m] ))"),
        ),
        alerts=alerts(
            alert("A", expr="sum(rate(x_total[5m])) > 1"), alert("B", expr="sum(rate(x_total[5m]))>1")
        ),
    )
    hits = only(found, "rules/duplicate-expression")
    assert [d.path for d in hits] == ["recording_rules[0].rules[1].expr", "alerts[0].rules[1].expr"]
    assert "same expression as recording rule job:x:rate5m" in hits[0].message


def test_duplicates_differing_in_parentheses_and_label_order_are_found(lint: Linter) -> None:
    """What the rule's docs promise: parentheses and label order do not matter."""
    found = lint(
        recording_rules=records(
            ("job:x:rate5m", 'sum by (job, code) (rate(x_total{code=~"5..", job="a"}[5m]))'),
            ("job:x_copy:rate5m", '(sum by (code, job) ((rate(x_total{job="a", code=~"5.."}[5m]))))'),
            ("job:x_other:rate5m", '(sum by (code, job) (rate(x_total{job="b", code=~"5.."}[5m])))'),
        ),
    )
    hits = only(found, "rules/duplicate-expression")
    assert [d.path for d in hits] == ["recording_rules[0].rules[1].expr"]


def test_same_expression_under_the_same_name_or_different_expressions_pass(lint: Linter) -> None:
    found = lint(
        alerts=alerts(
            alert("Tiered", expr="sum(rate(x_total[5m])) > 1", severity="warning"),
            alert("Tiered", expr="sum(rate(x_total[5m])) > 1", severity="critical"),
            alert("Other", expr="sum(rate(x_total[5m])) > 2"),
        )
    )
    assert only(found, "rules/duplicate-expression") == []
