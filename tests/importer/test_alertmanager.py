"""Alertmanager configs: deprecated forms converted and said, secrets never copied, broken input located."""

from __future__ import annotations

from pathlib import Path

import yaml

from erpgo_monctl.importer import import_files
from tests.importer.conftest import DATA, write

SECRETS = """\
global:
  smtp_smarthost: smtp.example.org:587
  smtp_from: am@example.org
  smtp_auth_username: am
  smtp_auth_password: hunter2-smtp
  slack_api_url: https://hooks.slack.com/services/T000/B000/XXXXSECRET
route:
  receiver: team
  routes:
  - receiver: pager
    match: {severity: critical}
    match_re: {service: 'api|web'}
    continue: true
receivers:
- name: team
  email_configs:
  - to: team@example.org
  webhook_configs:
  - url: http://hook:5001/
    http_config: {authorization: {credentials: tok-SECRET-42}}
- name: pager
  pagerduty_configs:
  - routing_key: pd-SECRET-key
inhibit_rules:
- source_match: {severity: critical}
  target_match_re: {severity: 'warning|info'}
  equal: [alertname]
"""


def test_secrets_become_files_with_a_located_warning_and_never_appear(tmp_path: Path) -> None:
    result = import_files([write(tmp_path, "am.yml", SECRETS)])
    text = result.files["spec.yaml"]
    for secret in ("hunter2-smtp", "XXXXSECRET", "tok-SECRET-42", "pd-SECRET-key"):
        assert secret not in text
        assert all(secret not in d.message for d in result.diagnostics)
    secrets = {(d.line, d.message.split("`")[1]) for d in result.diagnostics if d.code == "I012"}
    assert secrets == {
        (5, "smtp_password"),
        (6, "slack_api_url"),
        (20, "team-webhook"),
        (23, "pager-pagerduty"),
    }
    am = yaml.safe_load(text)["alertmanager"]
    assert am["smtp"]["auth_password_file"] == "smtp_password"
    assert am["receivers"][0]["webhook"] == [{"url": "http://hook:5001/", "credentials_file": "team-webhook"}]
    assert am["receivers"][1]["pagerduty"] == [{"routing_key_file": "pager-pagerduty"}]


def test_deprecated_match_forms_become_matchers_and_are_reported(tmp_path: Path) -> None:
    result = import_files([write(tmp_path, "am.yml", SECRETS)])
    am = yaml.safe_load(result.files["spec.yaml"])["alertmanager"]
    assert am["route"]["routes"][0]["matchers"] == ['severity="critical"', 'service=~"api|web"']
    assert am["inhibit_rules"][0]["source_matchers"] == ['severity="critical"']
    assert am["inhibit_rules"][0]["target_matchers"] == ['severity=~"warning|info"']
    deprecated = sorted(d.path for d in result.diagnostics if d.code == "I011")
    assert deprecated == [
        "inhibit_rules[0].source_match",
        "inhibit_rules[0].target_match_re",
        "route.routes[0].match",
    ]
    assert result.exit_code == 0


def test_an_invalid_matcher_regex_is_located_at_the_input(tmp_path: Path) -> None:
    text = (
        "route:\n  receiver: a\n  routes:\n  - receiver: a\n    matchers: ['team=~\"(db\"']\n"
        "receivers:\n- name: a\n"
    )
    result = import_files([write(tmp_path, "am.yml", text)])
    assert [(d.code, d.line) for d in result.diagnostics if d.severity == "error"] == [("E314", 4)]
    assert not result.files


def test_alertmanager_documentation_example_is_reported_completely() -> None:
    """doc/examples/simple.yml is an old example amtool 0.25 refuses: every problem is located."""
    result = import_files([DATA / "alertmanager-simple.yml"])
    found = [(d.line, d.code) for d in result.diagnostics if d.severity == "error"]
    assert found == [
        (3, "I003"),  # smarthost: did you mean smtp_smarthost?
        (4, "I003"),  # smtp_sender
        (7, "I010"),  # templates
        (15, "I002"),  # the root route has no receiver
        (98, "I010"),  # email without smtp globals
        (102, "I010"),
        (105, "I010"),  # PagerDuty Events API v1 service_key
        (108, "I010"),
        (113, "I010"),
        (117, "I010"),
    ]
    assert result.exit_code == 1


def test_unknown_receiver_keys_and_unsupported_integrations(tmp_path: Path) -> None:
    text = (
        "route: {receiver: a}\nreceivers:\n- name: a\n  slack_configs:\n  - channel: '#x'\n    chanel: '#y'\n"
        "    icon_emoji: ':fire:'\n  opsgenie_configs:\n  - api_key: k\n"
    )
    result = import_files([write(tmp_path, "am.yml", text)])
    found = {(d.line, d.code) for d in result.diagnostics if d.severity == "error"}
    assert found == {(6, "I003"), (7, "I010"), (8, "I010")}
