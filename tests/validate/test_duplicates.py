"""Unique things are unique, with human messages; the tiered alert pattern stays valid."""

from __future__ import annotations

from erpgo_monctl.validate import duplicates
from tests.validate.builder import alert, context, minimal


def _rules() -> tuple[dict[str, object], list[dict[str, object]]]:
    data = minimal()
    return data, data["alerts"][0]["rules"]


def test_same_alert_name_at_two_severities_is_the_valid_tiered_pattern() -> None:
    data, rules = _rules()
    rules.append(alert("ShopDown", 'up{job="shop-api"} == 0', "warning", labels={"service": "shop"}))
    assert duplicates.check(context(data)) == []


def test_same_name_and_severity_with_other_labels_is_valid() -> None:
    data, rules = _rules()
    rules.append(
        alert("ShopDown", 'up{job="shop-api"} == 0', "critical", labels={"service": "shop", "az": "b"})
    )
    assert duplicates.check(context(data)) == []


def test_same_name_severity_and_labels_is_an_error_naming_the_first() -> None:
    data, rules = _rules()
    rules.append(alert("ShopDown", 'up{job="shop-api"} == 0', "critical", labels={"service": "shop"}))
    [found] = duplicates.check(context(data))
    assert (found.code, found.path) == ("E303", "alerts[0].rules[1].alert")
    assert found.message.startswith(
        "duplicate alert 'ShopDown' with severity 'critical' and the same labels "
        "{service=shop} (first at line "
    )
    assert "alerts[0].rules[0].alert" in found.message


def test_dashboards_without_uid_collide_through_their_titles() -> None:
    data = minimal()
    del data["dashboards"][0]["uid"]
    data["dashboards"].append(
        {"title": "Shop", "panels": [{"title": "Up", "type": "stat", "queries": [{"expr": "up"}]}]}
    )
    [found] = duplicates.check(context(data))
    assert (found.code, found.path) == ("E306", "dashboards[1].uid")
    assert "duplicate dashboard uid 'shop'" in found.message


def test_a_service_and_an_exporter_share_the_job_namespace() -> None:
    data = minimal()
    data["exporters"][0]["name"] = "shop-api"
    [found] = duplicates.check(context(data))
    assert (found.code, found.path) == ("E304", "exporters[0].name")
    assert "services[0].name" in found.message
