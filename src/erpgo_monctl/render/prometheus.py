"""configs/prometheus.yml: globals, rule files, Alertmanager, one scrape job per service/exporter/probe.

Recording rules live in their own rule file (the seed put them inside
prometheus.yml, which `promtool check config` rejects).
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.scrape import probe_config, settings_config
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.resolve.model import Model, secret_path


def _scrape_config(model: Model, index: int) -> dict[str, Any]:
    job = model.scrape_jobs[index]
    config: dict[str, Any] = {"job_name": job.name}
    if job.scrape_interval:
        config["scrape_interval"] = job.scrape_interval
    if job.scrape_timeout:
        config["scrape_timeout"] = job.scrape_timeout
    config["metrics_path"] = job.metrics_path
    if job.settings is not None:
        config.update(settings_config(job, job.settings))
    elif job.probe is not None:
        config.update(probe_config(job, job.probe))
    return config


def build_prometheus_config(model: Model, alertmanager_targets: list[str] | None = None) -> dict[str, Any]:
    """The prometheus.yml document as plain data."""
    settings = model.spec.prometheus
    global_: dict[str, Any] = {
        "scrape_interval": settings.scrape_interval,
        "scrape_timeout": settings.scrape_timeout,
        "evaluation_interval": settings.evaluation_interval,
    }
    if settings.external_labels:
        global_["external_labels"] = dict(settings.external_labels)
    targets = alertmanager_targets or list(model.alertmanagers)
    config: dict[str, Any] = {"global": global_, "rule_files": list(model.rule_files)}
    if targets:  # no `alertmanager:` and no prometheus.alertmanagers: alerts show in Prometheus only
        config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": targets}]}]}
    config["scrape_configs"] = [_scrape_config(model, i) for i in range(len(model.scrape_jobs))]
    if settings.remote_write:
        config["remote_write"] = [_remote_write(r) for r in settings.remote_write]
    return config


def _remote_write(remote: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"url": remote.url}
    if remote.name:
        entry["name"] = remote.name
    if remote.basic_auth:
        entry["basic_auth"] = {
            "username": remote.basic_auth.username,
            "password_file": secret_path(remote.basic_auth.password_file),
        }
    if remote.bearer_token_file:
        entry["authorization"] = {"credentials_file": secret_path(remote.bearer_token_file)}
    return entry


def render(model: Model) -> Files:
    """Render configs/prometheus.yml."""
    text = dump_yaml(build_prometheus_config(model), model.header)
    return {COMPOSE.path("prometheus"): text.encode()}
