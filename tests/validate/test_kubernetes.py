"""What the kubernetes target cannot carry yet is refused (E348, E349), only in a spec meant for it."""

from __future__ import annotations

from erpgo_monctl.validate import kubernetes
from tests.validate.builder import context, minimal


def _everything_unsupported() -> dict[str, object]:
    data = minimal()
    am = data["alertmanager"]
    am["time_intervals"] = [{"name": "night", "time_intervals": [{"location": "Europe/Berlin"}]}]
    am["route"]["routes"] = [{"receiver": "team", "mute_time_intervals": ["night"]}]
    am["templates"] = [{"name": "shop", "text": '{{ define "shop.title" }}Shop{{ end }}'}]
    am["receivers"][0]["webhook"][0]["http_config"] = {"follow_redirects": False}
    return data


def test_a_spec_without_a_kubernetes_section_is_not_judged() -> None:
    assert kubernetes.check(context(_everything_unsupported())) == []


def test_every_setting_the_target_would_drop_is_refused_where_it_is_written() -> None:
    data = _everything_unsupported()
    data["kubernetes"] = {"namespace": "shop"}
    found = {(d.code, d.path) for d in kubernetes.check(context(data))}
    assert found == {
        ("E348", "alertmanager.time_intervals[0].time_intervals[0].location"),
        ("E349", "alertmanager.templates[0]"),
        ("E349", "alertmanager.receivers[0].webhook[0].http_config"),
    }


def test_mode_secret_carries_the_whole_alertmanager_yaml_but_no_template_files() -> None:
    data = _everything_unsupported()
    data["kubernetes"] = {"alertmanager": {"mode": "secret"}}
    codes = sorted(d.code for d in kubernetes.check(context(data)))
    assert codes == ["E349"]
