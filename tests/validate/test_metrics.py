"""Every metric read comes from a declared source; unknown ones are E307 with a suggestion."""

from __future__ import annotations

import pytest

from erpgo_monctl.resolve.model import Model
from erpgo_monctl.validate import Context, metrics
from tests.validate.builder import alert, context, minimal


def _alerting_on(expr: str, data: dict[str, object] | None = None) -> dict[str, object]:
    data = data or minimal()
    data["alerts"][0]["rules"].append(alert("Probe", expr, labels={"service": "shop"}))  # type: ignore[index]
    return data


def test_unknown_metric_is_an_error_with_a_did_you_mean() -> None:
    [found] = metrics.check(context(_alerting_on("rate(http_request_total[5m]) > 1")))
    assert (found.code, found.path) == ("E307", "alerts[0].rules[1].expr")
    assert "unknown metric 'http_request_total'" in found.message
    assert "did you mean 'http_requests_total'?" in found.message


@pytest.mark.parametrize(
    "expr",
    [
        "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m]))) > 1",
        "rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m]) > 1",
        "rate(http_requests_total[5m]) > 1",
        "job:http_requests:rate5m > 1",
        "node_load1 > 4",
        "up == 0",
        "scrape_duration_seconds > 10",
        "process_resident_memory_bytes > 1e9",
        "go_goroutines > 1000",
        'ALERTS{alertstate="firing"} > 0',
    ],
)
def test_declared_recorded_exporter_universal_and_client_library_metrics_are_known(expr: str) -> None:
    assert metrics.check(context(_alerting_on(expr))) == []


def test_histogram_suffixes_belong_to_histograms_only() -> None:
    [found] = metrics.check(context(_alerting_on("rate(http_requests_total_bucket[5m]) > 1")))
    assert "'http_requests_total_bucket'" in found.message


def test_counters_declared_without_total_accept_the_total_series() -> None:
    data = minimal()
    data["metrics"].append({"name": "orders", "type": "counter", "help": "Orders placed"})
    assert metrics.check(context(_alerting_on("rate(orders_total[5m]) > 1", data))) == []


def test_name_matchers_are_checked_like_names() -> None:
    [found] = metrics.check(context(_alerting_on('{__name__="http_requests_totl"} > 1')))
    assert "did you mean 'http_requests_total'?" in found.message


def test_custom_exporter_prefixes_and_slo_rules_are_known() -> None:
    data = minimal()
    data["exporters"].append(
        {"name": "sidecar", "kind": "custom", "targets": ["side:9000"], "metric_prefixes": ["sidecar_"]}
    )
    data["slos"] = [
        {
            "name": "avail",
            "service": "shop-api",
            "objective": 99.9,
            "sli": {
                "events": {
                    "errors": 'sum(rate(http_requests_total{code=~"5.."}[{{window}}]))',
                    "total": "sum(rate(http_requests_total[{{window}}]))",
                }
            },
        }
    ]
    data = _alerting_on("sidecar_queue_depth > 5", data)
    data["alerts"][0]["rules"].append(
        alert("Burn", "slo:sli_error:ratio_rate5m > 0.01", labels={"service": "s"})
    )
    assert metrics.check(context(data)) == []


def test_panels_and_recording_rules_are_checked_too() -> None:
    data = minimal()
    data["recording_rules"][0]["rules"][0]["expr"] = "sum by (job) (rate(http_requests_totals[5m]))"
    data["dashboards"][0]["panels"][0]["queries"][0]["expr"] = "sum(rate(http_errors_total[5m]))"
    found = metrics.check(context(data))
    assert [d.path for d in found] == [
        "recording_rules[0].rules[0].expr",
        "dashboards[0].panels[0].queries[0].expr",
    ]


def test_services_without_a_catalog_are_not_checked() -> None:
    data = _alerting_on("rate(anything_at_all[5m]) > 1")
    del data["metrics"]
    data["alerts"][0]["rules"][0]["expr"] = "up == 0"
    data["recording_rules"][0]["rules"][0]["expr"] = "sum(rate(whatever_total[5m]))"
    data["dashboards"][0]["panels"][0]["queries"][0]["expr"] = "sum(rate(whatever_total[5m]))"
    assert metrics.check(context(data)) == []


def test_exporters_only_specs_are_checked_against_exporter_prefixes() -> None:
    data = _alerting_on("node_load1 > 4 or redis_up == 0")
    del data["metrics"], data["services"]
    data["recording_rules"][0]["rules"][0]["expr"] = "sum(rate(node_cpu_seconds_total[5m]))"
    data["dashboards"][0]["panels"][0]["queries"][0]["expr"] = "up"
    [found] = metrics.check(context(data))
    assert "unknown metric 'redis_up'" in found.message


def test_erpgo_spec_reads_only_metrics_it_declares(erpgo_model: Model) -> None:
    assert metrics.check(Context(erpgo_model)) == []
