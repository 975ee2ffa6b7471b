"""Route-tree findings: regexes that do not compile, alerts shadowed from the route meant for them."""

from __future__ import annotations

from erpgo_monctl.resolve.model import Model
from erpgo_monctl.validate import Context, routing
from tests.validate.builder import alert, context, minimal


def _tiered_spec(*, continue_: bool) -> dict[str, object]:
    data = minimal()
    data["alerts"][0]["rules"].append(
        alert("DiskFull", "node_filesystem_avail_bytes < 1", "critical", labels={"service": "infra"})
    )
    data["alertmanager"]["receivers"] += [
        {"name": "pager", "webhook": [{"url": "http://pager:80/"}]},
        {"name": "devops", "webhook": [{"url": "http://devops:80/"}]},
    ]
    critical = {"matchers": ['severity="critical"'], "receiver": "pager"}
    if continue_:
        critical["continue"] = True
    data["alertmanager"]["route"]["routes"] = [
        critical,
        {"matchers": ['service="infra"'], "receiver": "devops"},
    ]
    return data


def test_alert_shadowed_by_an_earlier_route_without_continue_is_a_warning_on_the_alert() -> None:
    [found] = routing.check(context(_tiered_spec(continue_=False)))
    assert (found.code, found.severity, found.path) == ("W317", "warning", "alerts[0].rules[1].alert")
    assert "DiskFull (critical, service=infra)" in found.message
    assert 'route.routes[1] (service="infra" -> devops)' in found.message
    assert 'route.routes[0] (severity="critical" -> pager) matches first' in found.message


def test_continue_lets_the_alert_reach_both_routes() -> None:
    assert routing.check(context(_tiered_spec(continue_=True))) == []


def test_routes_on_labels_only_the_series_carry_are_not_judged() -> None:
    data = _tiered_spec(continue_=False)
    data["alertmanager"]["route"]["routes"][1]["matchers"] = ['instance=~"db.*"']
    assert routing.check(context(data)) == []


def test_invalid_regexes_in_routes_and_inhibit_rules_are_errors() -> None:
    data = minimal()
    data["alertmanager"]["route"]["routes"] = [{"matchers": ['service=~"api|(web"'], "receiver": "team"}]
    data["alertmanager"]["inhibit_rules"] = [
        {"source_matchers": ['severity="critical"'], "target_matchers": ['alertname!~"*Down"']},
    ]
    found = routing.check(context(data))
    assert [(d.code, d.path) for d in found] == [
        ("E314", "alertmanager.route.routes[0].matchers[0]"),
        ("E314", "alertmanager.inhibit_rules[0].target_matchers[0]"),
    ]
    assert "'*Down' is not a valid regular expression" in found[1].message


def test_erpgo_spec_routes_every_alert_where_it_was_meant(erpgo_model: Model) -> None:
    assert routing.check(Context(erpgo_model)) == []


def _slo_spec() -> dict[str, object]:
    """The minimal spec with one SLO of shop-api, whose page is critical and whose ticket is a warning."""
    data = minimal()
    data["slos"] = [
        {
            "name": "shop-availability",
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
    data["alertmanager"]["receivers"] += [
        {"name": "pager", "webhook": [{"url": "http://pager:80/"}]},
        {"name": "slo-owners", "webhook": [{"url": "http://slo:80/"}]},
    ]
    data["alertmanager"]["route"]["routes"] = [
        {"matchers": ['severity="critical"'], "receiver": "pager"},
        {"matchers": ['slo="shop-availability"'], "receiver": "slo-owners"},
    ]
    return data


def test_a_shadowed_slo_burn_alert_is_a_warning_on_its_slo() -> None:
    """Generated alerts go through the routing checks like written ones (W317 located at the SLO)."""
    [found] = routing.check(context(_slo_spec()))
    assert (found.code, found.path) == ("W317", "slos[0].name")
    assert "ShopAvailabilityErrorBudgetBurn (critical" in found.message
    assert 'slo="shop-availability" -> slo-owners' in found.message


def test_a_group_by_label_no_burn_alert_carries_is_w315() -> None:
    from erpgo_monctl.validate import labels

    data = _slo_spec()
    data["alertmanager"]["route"]["routes"] = [
        {"matchers": ['slo_alert="page"'], "receiver": "pager", "group_by": ["slo", "instance"]}
    ]
    model_of_data = context(data)
    found = [d for d in labels.check(model_of_data) if d.code == "W315"]
    assert [d.path for d in found] == ["alertmanager.route.routes[0].group_by[1]"]
    assert "ShopAvailabilityErrorBudgetBurn" in found[0].message
