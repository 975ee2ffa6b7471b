"""alertmanager.yml: modern matchers, subjects in headers, secrets as files, amtool accepts it."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from tests.conftest import need, seed_block


@pytest.fixture(scope="module")
def config(rendered: dict[PurePosixPath, bytes]) -> dict[str, Any]:
    return yaml.safe_load(rendered[PurePosixPath("configs/alertmanager.yml")])


def _walk_keys(node: Any) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _walk_keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in _walk_keys(v)}
    return set()


def test_no_deprecated_match_keys(config: dict[str, Any]) -> None:
    keys = _walk_keys(config)
    assert not keys & {
        "match",
        "match_re",
        "source_match",
        "source_match_re",
        "target_match",
        "target_match_re",
    }
    assert config["inhibit_rules"][0] == {
        "source_matchers": ['severity="critical"'],
        "target_matchers": ['severity="warning"'],
        "equal": ["alertname", "service"],
    }


def test_slo_ticket_is_inhibited_while_its_page_fires(config: dict[str, Any]) -> None:
    assert {
        "source_matchers": ['slo_alert="page"'],
        "target_matchers": ['slo_alert="ticket"'],
        "equal": ["slo", "service"],
    } in config["inhibit_rules"]


def test_email_subjects_are_headers(config: dict[str, Any]) -> None:
    emails = [e for r in config["receivers"] for e in r.get("email_configs", [])]
    assert len(emails) == 4
    for email in emails:
        assert "subject" not in email
        assert email["headers"]["Subject"].endswith("{{ .GroupLabels.alertname }}")


def test_routes_reach_the_seed_receivers(config: dict[str, Any]) -> None:
    route = config["route"]
    assert route["receiver"] == "default"
    assert route["group_by"] == ["alertname", "service"]
    children = {tuple(r["matchers"]): r for r in route["routes"]}
    assert children[('severity="critical"',)]["receiver"] == "on-call"
    assert children[('severity="critical"',)]["group_wait"] == "0s"
    assert children[('service="business"',)]["receiver"] == "business-team"
    assert children[('service="infrastructure"',)]["receiver"] == "devops-team"
    assert {r["name"] for r in config["receivers"]} == {"default", "on-call", "business-team", "devops-team"}


def test_secrets_are_file_references(config: dict[str, Any], rendered: dict[PurePosixPath, bytes]) -> None:
    assert config["global"]["smtp_auth_password_file"] == "/run/secrets/smtp_password"
    assert "smtp_auth_password" not in config["global"]
    for receiver in config["receivers"]:
        for slack in receiver.get("slack_configs", []):
            assert "api_url" not in slack
            assert slack["api_url_file"].startswith("/run/secrets/slack_webhook_")
    text = rendered[PurePosixPath("configs/alertmanager.yml")].decode()
    assert "hooks.slack.com" not in text and "smtp-password" not in text


def test_amtool_accepts_rendered_config(rendered_dir: Path) -> None:
    amtool = need("amtool")
    proc = subprocess.run(
        [amtool, "check-config", str(rendered_dir / "configs/alertmanager.yml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_amtool_rejects_the_seeds_alertmanager_yml(tmp_path: Path) -> None:
    """The failure our rendering fixes: `subject` directly in email_configs."""
    amtool = need("amtool")
    seed = tmp_path / "alertmanager.yml"
    seed.write_text(seed_block("# configs/alertmanager.yml"))
    proc = subprocess.run([amtool, "check-config", str(seed)], capture_output=True, text=True, check=False)
    assert proc.returncode != 0
    assert "subject" in proc.stdout + proc.stderr


def test_routing_matches_amtool(rendered_dir: Path) -> None:
    """Each seed alert's labels reach the receiver the seed's routes name, per amtool itself."""
    amtool = need("amtool")
    cases = {
        ("alertname=HighErrorRate", "severity=critical", "service=erpgo-api"): "on-call",
        ("alertname=NoOrdersCreated", "severity=warning", "service=business"): "business-team",
        ("alertname=DiskSpaceLow", "severity=critical", "service=infrastructure"): "on-call,devops-team",
        ("alertname=SlowQueries", "severity=warning", "service=postgres"): "default",
    }
    for labels, receiver in cases.items():
        proc = subprocess.run(
            [
                amtool,
                "config",
                "routes",
                "test",
                "--config.file",
                str(rendered_dir / "configs/alertmanager.yml"),
                "--verify.receivers",
                receiver,
                *labels,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, (labels, proc.stdout + proc.stderr)
