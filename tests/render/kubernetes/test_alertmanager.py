"""AlertmanagerConfig and the alertmanager.yaml Secret: compose routes and receivers, secrets by reference."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from erpgo_monctl.render.kubernetes import render
from erpgo_monctl.render.kubernetes.operator import operator_alertmanager_config
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model
from tests.conftest import need
from tests.render.kubernetes.conftest import Tree, load, resources


def _config(tree: Tree) -> dict[str, object]:
    return next(iter(resources(tree, "AlertmanagerConfig").values()))


def test_routes_keep_the_compose_tree(rendered: Tree, erpgo_kubernetes: Tree) -> None:
    compose = load(next(c for p, c in rendered.items() if p.name == "alertmanager.yml"))
    route = _config(erpgo_kubernetes)["spec"]["route"]  # type: ignore[index]
    assert route["receiver"] == compose["route"]["receiver"]
    assert route["groupBy"] == compose["route"]["group_by"]
    assert [r["receiver"] for r in route["routes"]] == [r["receiver"] for r in compose["route"]["routes"]]
    assert route["routes"][0]["matchers"] == [{"name": "severity", "matchType": "=", "value": "critical"}]
    assert route["routes"][0]["continue"] is True


def test_same_receivers_as_compose(rendered: Tree, erpgo_kubernetes: Tree) -> None:
    compose = load(next(c for p, c in rendered.items() if p.name == "alertmanager.yml"))
    receivers = _config(erpgo_kubernetes)["spec"]["receivers"]  # type: ignore[index]
    assert [r["name"] for r in receivers] == [r["name"] for r in compose["receivers"]]
    kinds = {r["name"]: sorted(k for k in r if k != "name") for r in receivers}
    assert kinds["on-call"] == ["emailConfigs", "slackConfigs"]


def test_secrets_are_secret_key_selectors_never_values(erpgo_kubernetes: Tree) -> None:
    spec = _config(erpgo_kubernetes)["spec"]
    email = spec["receivers"][0]["emailConfigs"][0]  # type: ignore[index]
    assert email["authPassword"] == {"name": "erpgo-alertmanager", "key": "smtp_password"}
    assert email["smarthost"] == "smtp.example.com:587"  # the compose global, copied per receiver
    slack = spec["receivers"][1]["slackConfigs"][0]  # type: ignore[index]
    assert slack["apiURL"] == {"name": "erpgo-alertmanager", "key": "slack_webhook_critical"}
    text = b"".join(c for p, c in erpgo_kubernetes.items() if p.name.startswith("alertmanagerconfig"))
    assert b"/run/secrets" not in text and b"hooks.slack.com" not in text


def test_inhibit_rules_include_the_slo_rule(erpgo_kubernetes: Tree) -> None:
    rules = _config(erpgo_kubernetes)["spec"]["inhibitRules"]  # type: ignore[index]
    sources = [[m["value"] for m in rule["sourceMatch"]] for rule in rules]
    assert sources == [["critical"], ["page"]]


def test_operator_merge_renames_receivers_and_adds_the_namespace_matcher(erpgo_kubernetes: Tree) -> None:
    merged = operator_alertmanager_config(_config(erpgo_kubernetes))  # type: ignore[arg-type]
    top = merged["route"]["routes"][0]
    assert merged["route"]["receiver"] == "null"
    assert top["receiver"] == "monitoring/erpgo/default"
    assert top["matchers"] == ['namespace="monitoring"'] and top["continue"] is True
    assert top["routes"][0]["receiver"] == "monitoring/erpgo/on-call"
    assert merged["inhibit_rules"][0]["source_matchers"] == ['namespace="monitoring"', 'severity="critical"']
    assert [r["name"] for r in merged["receivers"]][:2] == ["null", "monitoring/erpgo/default"]


@pytest.mark.parametrize(
    ("labels", "receivers"),
    [
        (
            ["severity=critical", "service=infrastructure", "namespace=monitoring"],
            "monitoring/erpgo/on-call,monitoring/erpgo/devops-team",
        ),
        (["severity=warning", "service=postgres", "namespace=monitoring"], "monitoring/erpgo/default"),
        (["severity=critical", "service=infrastructure"], "null"),  # no namespace label: not ours
    ],
)
def test_amtool_routes_the_merged_config(
    erpgo_kubernetes: Tree, tmp_path: Path, labels: list[str], receivers: str
) -> None:
    amtool = need("amtool")
    config = tmp_path / "alertmanager.yml"
    config.write_text(dump_yaml(operator_alertmanager_config(_config(erpgo_kubernetes))))  # type: ignore[arg-type]
    check = subprocess.run([amtool, "check-config", str(config)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    argv = [amtool, "config", "routes", "test", f"--config.file={config}", f"--verify.receivers={receivers}"]
    routed = subprocess.run([*argv, "--", *labels], capture_output=True, text=True, check=False)
    assert routed.returncode == 0, routed.stdout + routed.stderr


def test_secret_mode_holds_alertmanager_yaml_with_mounted_file_paths(
    minimal_model: Callable[..., Model], tmp_path: Path
) -> None:
    amtool = need("amtool")
    extra = "kubernetes:\n  alertmanager: {mode: secret, secret_name: shop-secrets}\n"
    hook = "- url: http://hooks.internal:8080/alerts"
    model = minimal_model(extra, replace={hook: f"{hook}\n          credentials_file: hook_token"})
    tree = render(model)
    assert resources(tree, "AlertmanagerConfig") == {}
    secret = resources(tree, "Secret")["alertmanager-shop"]
    text = secret["stringData"]["alertmanager.yaml"]
    assert "credentials_file: /etc/alertmanager/secrets/shop-secrets/hook_token" in text
    config = tmp_path / "alertmanager.yml"
    config.write_text(text)
    check = subprocess.run([amtool, "check-config", str(config)], capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_time_intervals_and_the_routes_muted_by_them_reach_the_alertmanager_config(
    erpgo_kubernetes: Tree,
) -> None:
    spec = _config(erpgo_kubernetes)["spec"]
    [maintenance] = spec["muteTimeIntervals"]  # type: ignore[index]
    assert maintenance == {
        "name": "maintenance",
        "timeIntervals": [{"times": [{"startTime": "02:00", "endTime": "04:00"}], "weekdays": ["sunday"]}],
    }
    muted = [r["receiver"] for r in spec["route"]["routes"] if r.get("muteTimeIntervals") == ["maintenance"]]  # type: ignore[index]
    assert muted == ["business-team", "devops-team"]


def test_operator_merge_renames_time_intervals_like_receivers(erpgo_kubernetes: Tree) -> None:
    merged = operator_alertmanager_config(_config(erpgo_kubernetes))  # type: ignore[arg-type]
    [interval] = merged["time_intervals"]
    assert interval["name"] == "monitoring/erpgo/maintenance"
    assert interval["time_intervals"] == [
        {"times": [{"start_time": "02:00", "end_time": "04:00"}], "weekdays": ["sunday"]}
    ]
    muted = [r for r in merged["route"]["routes"][0]["routes"] if r.get("mute_time_intervals")]
    assert {tuple(r["mute_time_intervals"]) for r in muted} == {("monitoring/erpgo/maintenance",)}
