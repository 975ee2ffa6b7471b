"""The layout table: unique keys and paths, mounts where compose needs them, checkers by file."""

from __future__ import annotations

from pathlib import PurePosixPath

from erpgo_monctl.resolve.layout import (
    COMPOSE,
    LAYOUTS,
    dashboard_path,
    rule_file_path,
    runbook_path,
    unit_test_path,
)


def test_keys_and_paths_are_unique_per_layout() -> None:
    for layout in LAYOUTS.values():
        keys = [p.key for p in layout.placements]
        places = [(p.path, p.pattern) for p in layout.placements]
        assert len(keys) == len(set(keys)) and len(places) == len(set(places))


def test_paths_of_generated_files() -> None:
    assert rule_file_path("slo") == PurePosixPath("configs/slo_rules.yml")
    assert dashboard_path("api") == PurePosixPath("configs/grafana/dashboards/api.json")
    assert dashboard_path("api", "ops") == PurePosixPath("configs/grafana/dashboards/ops/api.json")
    assert runbook_path("HighErrorRate") == PurePosixPath("runbooks/HighErrorRate.md")
    assert unit_test_path("slo_api") == PurePosixPath("tests/slo_api_test.yml")


def test_rule_files_sit_beside_prometheus_yml_in_the_container() -> None:
    """prometheus.yml names its rule files relative to itself: their mounts share its directory."""
    config = COMPOSE.mount("prometheus")
    for kind in ("alerts", "recording", "slo", "probes"):
        placement = COMPOSE[f"{kind}_rules"]
        assert placement.mount == config.parent / placement.path.name
        assert placement.checker == "promtool-rules"


def test_every_checker_named_has_a_place() -> None:
    checkers = {p.checker for p in COMPOSE.placements if p.checker}
    assert checkers == {
        "promtool-config",
        "promtool-rules",
        "amtool-config",
        "blackbox-config",
        "compose-schema",
        "grafana-dashboard",
        "promtool-test",
    }


def test_notification_templates_sit_beside_alertmanager_yml_in_the_container() -> None:
    """alertmanager.yml names its template files relative to itself: the mount keeps that relation."""
    config, templates = COMPOSE["alertmanager"], COMPOSE["alertmanager_templates"]
    assert templates.path.parent == config.path.parent
    assert templates.mount is not None and config.mount is not None
    assert templates.mount.parent == config.mount.parent and templates.mount.name == templates.path.name
