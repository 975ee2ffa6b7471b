"""Names that point elsewhere point at something: receivers, severities, datasources, services."""

from __future__ import annotations

from erpgo_monctl.validate import references
from tests.validate.builder import context, minimal


def test_unknown_nested_route_receiver_suggests_the_close_one() -> None:
    data = minimal()
    data["alertmanager"]["route"]["routes"] = [
        {
            "matchers": ['severity="critical"'],
            "routes": [{"matchers": ['service="shop"'], "receiver": "teams"}],
        },
    ]
    [found] = references.check(context(data))
    assert (found.code, found.path) == ("E301", "alertmanager.route.routes[0].routes[0].receiver")
    assert found.message == "receiver 'teams' is not defined; did you mean 'team'? (receivers: team)"


def test_unused_receiver_is_a_warning() -> None:
    data = minimal()
    data["alertmanager"]["receivers"].append({"name": "spare", "webhook": [{"url": "http://spare:80/"}]})
    [found] = references.check(context(data))
    assert (found.code, found.severity, found.path) == ("W302", "warning", "alertmanager.receivers[1].name")


def test_declared_severities_replace_the_defaults() -> None:
    data = minimal()
    data["incidents"] = {"severities": {"page": {"level": "P1"}, "ticket": {"level": "P3"}}}
    [found] = references.check(context(data))
    assert (found.code, found.path) == ("E308", "alerts[0].rules[0].severity")
    assert "(declared severities: page, ticket)" in found.message
    data["alerts"][0]["rules"][0]["severity"] = "page"
    assert references.check(context(data)) == []


def test_loki_panels_need_a_provisioned_loki_and_text_panels_need_nothing() -> None:
    data = minimal()
    data["dashboards"][0]["panels"] += [
        {"title": "Logs", "type": "logs", "datasource": "loki", "queries": [{"expr": '{job="x"}'}]},
        {"title": "Read me", "type": "text", "content": "Hello"},  # no datasource at all
    ]
    [found] = references.check(context(data))
    assert (found.code, found.path) == ("E309", "dashboards[0].panels[1].datasource")
    data["logging"] = {}
    data["stack"]["loki"] = {"image": "grafana/loki:3.5.5"}
    assert references.check(context(data)) == []
