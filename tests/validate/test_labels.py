"""group_by and inhibit `equal` labels exist on the alerts they concern (certain absences only)."""

from __future__ import annotations

from erpgo_monctl.resolve.model import Model
from erpgo_monctl.validate import Context, labels
from tests.validate.builder import alert, context, minimal


def _with_alert(expr: str, **extra: object) -> dict[str, object]:
    data = minimal()
    data["alerts"][0]["rules"].append(alert("Aggregated", expr, **extra))
    return data


def test_group_by_label_aggregated_away_is_a_warning_at_the_group_by_entry() -> None:
    data = _with_alert("sum by (job) (rate(http_requests_total[5m])) > 1")
    [found] = labels.check(context(data))
    assert (found.code, found.severity) == ("W315", "warning")
    assert found.path == "alertmanager.route.group_by[1]"
    assert "'service'" in found.message and "Aggregated" in found.message


def test_group_by_label_is_fine_when_static_kept_by_the_aggregation_or_unknowable() -> None:
    for extra in (
        {"expr": "sum by (job) (rate(http_requests_total[5m])) > 1", "labels": {"service": "shop"}},
        {"expr": "sum by (service) (rate(http_requests_total[5m])) > 1"},
        {"expr": "rate(http_requests_total[5m]) > 1"},
    ):
        data = minimal()
        data["alerts"][0]["rules"].append(alert("A", **extra))  # type: ignore[arg-type]
        assert labels.check(context(data)) == [], extra


def test_group_by_is_reported_where_it_is_set_for_the_route_an_alert_lands_on() -> None:
    data = _with_alert("sum(rate(http_requests_total[5m])) > 1")
    data["alertmanager"]["route"]["routes"] = [
        {"matchers": ['alertname="Aggregated"'], "receiver": "team", "group_by": ["alertname", "cluster"]},
    ]
    [found] = labels.check(context(data))
    assert found.path == "alertmanager.route.routes[0].group_by[1]"
    assert "'cluster'" in found.message


def test_inhibit_equal_label_missing_on_certain_sources_is_a_warning() -> None:
    data = _with_alert(
        "sum(rate(http_requests_total[5m])) > 1", severity="critical", labels={"service": "shop"}
    )
    data["alertmanager"]["inhibit_rules"] = [
        {
            "source_matchers": ['severity="critical"'],
            "target_matchers": ['severity="warning"'],
            "equal": ["alertname", "instance"],
        },
    ]
    [found] = labels.check(context(data))
    assert (found.code, found.path) == ("W316", "alertmanager.inhibit_rules[0].equal[1]")
    assert "source alert(s) Aggregated" in found.message


def test_inhibit_rules_on_labels_no_alert_sets_statically_are_not_judged() -> None:
    data = _with_alert("sum(rate(http_requests_total[5m])) > 1", labels={"service": "shop"})
    data["alertmanager"]["inhibit_rules"] = [
        {"source_matchers": ['team="web"'], "target_matchers": ['team="db"'], "equal": ["instance"]},
    ]
    assert labels.check(context(data)) == []


def test_erpgo_spec_groups_and_inhibits_by_labels_its_alerts_have(erpgo_model: Model) -> None:
    assert labels.check(Context(erpgo_model)) == []


def _relabelled(expr: str, **job: object) -> dict[str, object]:
    data = _with_alert(expr)
    data["services"][0].update(job)  # type: ignore[index]
    return data


def test_a_group_by_label_every_series_of_the_job_loses_to_relabelling_is_a_warning_saying_so() -> None:
    drop = {"action": "labeldrop", "regex": "service"}
    data = _relabelled('rate(http_requests_total{job="shop-api"}[5m]) > 1', metric_relabel_configs=[drop])
    [found] = labels.check(context(data))
    assert (found.code, found.path) == ("W315", "alertmanager.route.group_by[1]")
    assert "relabelling drops it from the series: job shop-api: metric_relabel_configs[0]: labeldrop" in (
        found.message
    )


def test_a_relabel_drop_is_not_judged_where_it_is_not_certain() -> None:
    target_only = {
        "relabel_configs": [{"action": "labeldrop", "regex": "service"}]
    }  # the series may have one
    other_job = {"metric_relabel_configs": [{"action": "labeldrop", "regex": "service"}]}
    for expr, job in (
        ('rate(http_requests_total{job="shop-api"}[5m]) > 1', target_only),
        ('rate(http_requests_total{job="node-exporter"}[5m]) > 1', other_job),
        ("rate(http_requests_total[5m]) > 1", other_job),  # no job named: any job's series
    ):
        assert labels.check(context(_relabelled(expr, **job))) == [], (expr, job)


def test_a_label_relabelling_sets_on_every_series_routes_the_alert() -> None:
    """The alert reaches the `service="payments"` route only through the label relabelling adds."""
    literal = {"target_label": "service", "replacement": "payments"}
    expr = 'sum by (service) (rate(http_requests_total{job="shop-api"}[5m])) > 1'
    data = _relabelled(expr, relabel_configs=[literal])
    data["alertmanager"]["route"]["routes"] = [  # type: ignore[index]
        {"matchers": ['service="payments"'], "receiver": "team", "group_by": ["alertname", "cluster"]},
    ]
    [found] = labels.check(context(data))
    assert (found.code, found.path) == ("W315", "alertmanager.route.routes[0].group_by[1]")
    assert "Aggregated" in found.message
