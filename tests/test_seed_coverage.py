"""A reader of the seed finds every one of its pieces in our output (names read from the seed itself)."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath

import pytest
import yaml

from erpgo_monctl.resolve.model import Model, resolve
from tests.conftest import SEED, seed_block

Tree = dict[PurePosixPath, bytes]


def _yaml(tree: Tree, path: str) -> dict:
    return yaml.safe_load(tree[PurePosixPath(path)])


def _seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed guide not found at {SEED}")
    return SEED.read_text(encoding="utf-8")


def test_every_seed_scrape_job(rendered: Tree) -> None:
    seed_jobs = set(re.findall(r"job_name: '([^']+)'", _seed_text()))
    assert seed_jobs == {
        "erpgo-api",
        "node-exporter",
        "postgres-exporter",
        "redis-exporter",
        "docker-exporter",
    }
    ours = {job["job_name"] for job in _yaml(rendered, "configs/prometheus.yml")["scrape_configs"]}
    assert seed_jobs <= ours
    assert "cadvisor" in ours  # in the seed's compose stack but never scraped there


def test_every_seed_recording_rule(rendered: Tree) -> None:
    seed = yaml.safe_load(seed_block("# configs/prometheus.yml"))
    seed_records = {r["record"] for g in seed["recording_rules"] for r in g["rules"]}
    doc = _yaml(rendered, "configs/recording_rules.yml")
    assert seed_records == {r["record"] for g in doc["groups"] for r in g["rules"]}


def test_every_seed_alert_in_its_group(rendered: Tree) -> None:
    seed_groups = {}
    for first_line in ("# configs/alert_rules.yml", "# security-alert-rules.yml"):
        for group in yaml.safe_load(seed_block(first_line))["groups"]:
            seed_groups[group["name"]] = {r["alert"]: r["labels"]["severity"] for r in group["rules"]}
    assert sum(len(g) for g in seed_groups.values()) == 12
    doc = _yaml(rendered, "configs/alert_rules.yml")
    ours = {g["name"]: {r["alert"]: r["labels"]["severity"] for r in g["rules"]} for g in doc["groups"]}
    assert {name: ours[name] for name in seed_groups} == seed_groups
    # the one group we add: the seed never noticed a dead exporter (only the API's own target)
    assert set(ours) - set(seed_groups) == {"erpgo-targets"}
    assert ours["erpgo-targets"] == {"TargetDown": "warning"}


def test_every_seed_receiver_route_and_inhibition(rendered: Tree) -> None:
    seed = yaml.safe_load(seed_block("# configs/alertmanager.yml"))
    ours = _yaml(rendered, "configs/alertmanager.yml")
    assert {r["name"] for r in seed["receivers"]} == {r["name"] for r in ours["receivers"]}
    seed_routes = [
        (f'{k}="{v}"', r["receiver"]) for r in seed["route"]["routes"] for k, v in r["match"].items()
    ]
    assert seed_routes == [(r["matchers"][0], r["receiver"]) for r in ours["route"]["routes"]]
    assert ours["inhibit_rules"][0]["equal"] == seed["inhibit_rules"][0]["equal"]
    for key in ("group_by", "group_wait", "group_interval", "repeat_interval", "receiver"):
        assert ours["route"][key] == seed["route"][key]


def test_every_seed_log_pipeline_in_both_agents(rendered: Tree, erpgo_model: Model) -> None:
    from erpgo_monctl.render import promtail as promtail_renderer

    seed = yaml.safe_load(seed_block("# configs/promtail.yml"))
    seed_jobs = {job["job_name"] for job in seed["scrape_configs"]}
    spec = erpgo_model.spec.model_copy(deep=True)
    assert spec.logging is not None
    spec.logging.agent = "promtail"  # ERPGo runs Alloy; promtail.yml is rendered for agent: promtail only
    promtail = yaml.safe_load(promtail_renderer.render(resolve(spec))[PurePosixPath("configs/promtail.yml")])
    assert seed_jobs == {job["job_name"] for job in promtail["scrape_configs"]}
    alloy = rendered[PurePosixPath("configs/alloy/config.alloy")].decode()
    for job in seed_jobs:
        assert job.replace("-", "_") in alloy
    for job in seed["scrape_configs"]:
        json_stage = next(s["json"] for s in job["pipeline_stages"] if "json" in s)
        ours = next(j for j in promtail["scrape_configs"] if j["job_name"] == job["job_name"])
        ours_json = next(s["json"] for s in ours["pipeline_stages"] if "json" in s)
        assert set(json_stage["expressions"]) <= set(ours_json["expressions"])


def test_every_seed_datasource_plus_jaeger(rendered: Tree) -> None:
    doc = _yaml(rendered, "configs/grafana/provisioning/datasources/datasources.yml")
    names = {d["name"] for d in doc["datasources"]}
    assert {"Prometheus", "Loki", "Jaeger"} <= names  # Jaeger: in the seed's architecture and data flow


def test_every_seed_dashboard_panel(rendered: Tree) -> None:
    seed_text = _seed_text()
    blocks = re.findall(r"```json\n(.*?)```", seed_text, flags=re.S)
    seed_dashboards = {
        d["dashboard"]["title"]: [p["title"] for p in d["dashboard"]["panels"]]
        for d in map(json.loads, blocks)
    }
    ours = {}
    for path, content in rendered.items():
        if path.suffix == ".json" and "dashboards" in path.parts:
            doc = json.loads(content)
            ours[doc["title"]] = [p["title"] for p in doc["panels"]]
    for title, panels in seed_dashboards.items():
        assert title in ours
        assert set(panels) <= set(ours[title])


def test_every_seed_compose_service(rendered: Tree) -> None:
    compose = _yaml(rendered, "docker-compose.monitoring.yml")
    seed_services = {"prometheus", "grafana", "alertmanager", "loki", "promtail", "node-exporter", "cadvisor"}
    ours = set(compose["services"])
    # Promtail reached end of life on 2026-03-02: Alloy runs the same pipelines (agent: promtail still works).
    assert seed_services - {"promtail"} <= ours
    assert "alloy" in ours and "jaeger" in ours


def test_every_seed_metric_is_declared(erpgo_model: Model) -> None:
    seed_metrics = set(re.findall(r"\berpgo_[a-z_]+", _seed_text())) - {"erpgo_monitoring"}
    seed_metrics = {m.removesuffix("_bucket") for m in seed_metrics}
    declared = {m.name for m in erpgo_model.spec.metrics}
    assert {"erpgo_database_connections_max", "erpgo_revenue_total", "erpgo_orders_pending_count"} <= declared
    assert seed_metrics <= declared, seed_metrics - declared


def test_incident_levels_and_procedures(erpgo_model: Model) -> None:
    incidents = erpgo_model.spec.incidents
    assert [(lvl.name, lvl.response_time) for lvl in incidents.levels] == [
        ("Critical", "15m"),
        ("High", "1h"),
        ("Medium", "4h"),
        ("Low", "24h"),
    ]
    assert set(incidents.procedures) == {"critical_alert", "performance_degradation", "security_incident"}
