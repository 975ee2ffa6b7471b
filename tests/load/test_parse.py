"""Pydantic's errors become located, human diagnostics; secrets are caught by key and by value."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from erpgo_monctl.diagnostics import Diagnostic, MonctlError
from erpgo_monctl.load.files import load_text
from erpgo_monctl.load.parse import parse_spec
from tests.validate.builder import minimal


def _problems(data: Any) -> list[Diagnostic]:
    text = yaml.safe_dump(data, sort_keys=False)
    with pytest.raises(MonctlError) as caught:
        parse_spec(load_text(text, "spec.yaml"))
    return caught.value.diagnostics


def test_every_mistake_is_reported_at_once() -> None:
    data = minimal()
    data["services"][0]["scrape_interval"] = "15 seconds"
    data["alerts"][0]["rules"][0]["severity"] = 3
    data["dashboards"][0]["panels"][0]["typ"] = "stat"
    found = _problems(data)
    assert [(d.code, d.path) for d in found] == [
        ("E105", "services[0].scrape_interval"),
        ("E103", "alerts[0].rules[0].severity"),
        ("E101", "dashboards[0].panels[0].typ"),
    ]
    assert all(d.line > 1 for d in found)
    assert "did you mean 'type'?" in found[2].message


def test_mapping_level_messages_point_at_the_key_they_name() -> None:
    data = minimal()
    data["alerts"][0]["rules"][0]["labels"] = {"service": "shop", "__tier": "gold"}
    data["metrics"][0]["buckets"] = [1, 2]
    found = _problems(data)
    assert [(d.path, d.message) for d in found] == [
        ("metrics[0].buckets", "only histograms have buckets; remove it or set type: histogram"),
        (
            "alerts[0].rules[0].labels.__tier",
            "label '__tier': names starting with __ are reserved for Prometheus",
        ),
    ]


@pytest.mark.parametrize(
    ("where", "value", "needle"),
    [
        (
            ("alertmanager", "receivers", 0, "webhook", 0, "url"),
            "https://hooks.slack.com/services/T0/B0/abc",
            "a Slack webhook URL is a credential",
        ),
        (
            ("alertmanager", "receivers", 0, "webhook", 0, "url"),
            "http://bot:tok3n@hooks.internal/x",
            "credentials_file",
        ),
        (
            ("alertmanager", "receivers", 0, "webhook", 0, "url"),
            "http://tok3n@hooks.internal/x",
            "credentials_file",
        ),
        (
            ("alertmanager", "receivers", 0, "name"),
            "team https://hooks.slack.com/services/T0/B0/abc",
            "Slack webhook",
        ),
        (
            ("dashboards", 0, "panels", 0, "description"),
            "see https://admin:pw@grafana.internal/",
            "credentials",
        ),
    ],
)
def test_secret_looking_values_are_e110_wherever_they_are(
    where: tuple[Any, ...], value: str, needle: str
) -> None:
    data = minimal()
    holder = data
    for part in where[:-1]:
        holder = holder[part]
    holder[where[-1]] = value
    found = [d for d in _problems(data) if d.code == "E110"]
    assert len(found) == 1 and needle in found[0].message
    assert found[0].path == ".".join(str(p) for p in where).replace(".0", "[0]")


def test_remote_write_credentials_point_to_basic_auth() -> None:
    data = minimal()
    data["prometheus"] = {"remote_write": [{"url": "https://user:pw@metrics.example.com/api/v1/write"}]}
    [found] = _problems(data)
    assert (found.code, found.path) == ("E110", "prometheus.remote_write[0].url")
    assert "basic_auth: {username: ..., password_file: <file>}" in found.message


def test_email_addresses_and_templates_are_not_secrets() -> None:
    data = minimal()
    data["alertmanager"]["smtp"] = {
        "smarthost": "smtp.example.com:587",
        "from": "alerts@example.com",
        "auth_username": "alerts@example.com",
    }
    data["alertmanager"]["receivers"][0]["email"] = [
        {"to": "team@example.com", "text": "{{ .CommonLabels }}"}
    ]
    data["incidents"] = {"runbook_base_url": "https://wiki.example.com/runbooks/"}
    spec = parse_spec(load_text(yaml.safe_dump(data, sort_keys=False), "spec.yaml"))  # no E110 raised
    assert spec.alertmanager.smtp is not None
    assert spec.alertmanager.smtp.auth_username == "alerts@example.com"
    assert spec.alertmanager.receivers[0].email[0].text == "{{ .CommonLabels }}"


def test_a_secret_key_is_reported_once_naming_its_file_field() -> None:
    data = minimal()
    data["alertmanager"]["receivers"][0]["slack"] = [
        {"channel": "#ops", "api_url": "https://hooks.slack.com/services/T0/B0/abc"},
    ]
    [found] = _problems(data)
    assert (found.code, found.path) == ("E110", "alertmanager.receivers[0].slack[0].api_url")
    assert "write api_url_file" in found.message


@pytest.mark.parametrize("version", [2, "1", 1.5, [1], None])
def test_versions_other_than_1_are_refused(version: Any) -> None:
    data = minimal()
    data["version"] = version
    found = _problems(data)
    assert found[0].path == "version"


def test_a_huge_version_number_is_described_briefly() -> None:
    data = minimal()
    data["version"] = 10**200
    [found] = _problems(data)
    assert found.code == "E100" and len(found.message) < 200


WRONG_VALUES: list[Any] = [None, 7, "text", [1], {"k": "v"}, True]


@pytest.mark.parametrize("key", sorted(minimal()))
@pytest.mark.parametrize("value", WRONG_VALUES, ids=lambda v: type(v).__name__)
def test_wrong_types_at_the_top_level_are_located_errors(key: str, value: Any) -> None:
    data = minimal()
    data[key] = value
    try:
        parse_spec(load_text(yaml.safe_dump(data, sort_keys=False), "spec.yaml"))
    except MonctlError as exc:
        assert exc.diagnostics and all(d.line >= 1 and d.code.startswith("E1") for d in exc.diagnostics)
    else:
        # the only replacements that are themselves valid: another name, an optional section left out
        assert (key, value) in {("name", "text"), ("alertmanager", None)}
