"""Metrics catalog rules: unbounded labels and naming conventions."""

from __future__ import annotations

import pytest

from tests.lint.conftest import Linter, metric, only


def test_high_cardinality_labels_are_located_on_the_label(lint: Linter) -> None:
    found = lint(
        metrics=[
            metric("auth_failures_total", "counter", ["ip", "result"]),
            metric("sessions", "gauge", ["user_id", "request_id"]),
        ]
    )
    hits = only(found, "metrics/high-cardinality-label")
    assert [d.path for d in hits] == ["metrics[0].labels[0]", "metrics[1].labels[0]", "metrics[1].labels[1]"]
    assert hits[0].severity == "warning" and "'ip'" in hits[0].message


def test_bounded_labels_pass(lint: Linter) -> None:
    found = lint(metrics=[metric("http_requests_total", "counter", ["method", "endpoint", "status_code"])])
    assert found == []


@pytest.mark.parametrize(
    ("entry", "path", "fragment"),
    [
        (metric("orders_created", "counter"), "metrics[0].name", "should end in _total"),
        (metric("connections_total", "gauge"), "metrics[0].name", "promises a counter"),
        (metric("latency_seconds_bucket", "histogram"), "metrics[0].name", "ends in _bucket"),
        (metric("request_latency_ms", "histogram"), "metrics[0].name", "base units (seconds)"),
        (metric("cache_size_megabytes", "gauge"), "metrics[0].name", "base units (bytes)"),
        (metric("query_duration", "histogram", unit="seconds"), "metrics[0].name", "does not say so"),
        (
            metric("query_duration", "histogram", unit="milliseconds"),
            "metrics[0].unit",
            "base units (seconds)",
        ),
        (metric("job:requests:rate5m", "gauge"), "metrics[0].name", "reserved for recording rules"),
    ],
)
def test_naming_conventions(lint: Linter, entry: dict[str, object], path: str, fragment: str) -> None:
    hits = only(lint(metrics=[entry]), "metrics/naming")
    assert [d.path for d in hits] == [path]
    assert fragment in hits[0].message


def test_conventional_names_pass(lint: Linter) -> None:
    assert (
        lint(
            metrics=[
                metric("http_requests_total", "counter", unit="requests"),
                metric("http_request_duration_seconds", "histogram", unit="seconds"),
                metric("cpu_seconds_total", "counter", unit="seconds"),
                metric("memory_usage_bytes", "gauge", unit="bytes"),
                metric("orders_pending_count", "gauge"),
                metric("rpc_duration_seconds", "summary"),
            ]
        )
        == []
    )
