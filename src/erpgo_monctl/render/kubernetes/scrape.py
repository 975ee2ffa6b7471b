"""Scrape resources: the compose target's scrape jobs as prometheus-operator resources.

Each job becomes one resource, chosen by render/kubernetes/monitors.py: a ServiceMonitor or
PodMonitor for in-cluster Kubernetes discovery it can express exactly, a Probe for blackbox
probe jobs, and otherwise a ScrapeConfig carrying the job's static targets, discovery,
relabelling, HTTP client settings and limits as prometheus.yml has them. A ScrapeConfig's
`jobName` keeps the `job` label the spec's alerts and dashboards select on
(`up{job="erpgo-api"}`); without it the operator would name the job
`scrapeConfig/<namespace>/<name>`.

Intervals are written on every resource, falling back to the spec's
`prometheus.scrape_interval` / `scrape_timeout`: the Prometheus CR's own defaults
(kube-prometheus-stack: 30s) are not the spec's, and the compose render scrapes at the
spec's.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render.blackbox import build_blackbox_config
from erpgo_monctl.render.kubernetes.monitors import monitor, monitor_kind, probe
from erpgo_monctl.render.kubernetes.resources import (
    MONITORING_V1ALPHA1,
    Settings,
    object_name,
    resource,
    unique_names,
)
from erpgo_monctl.render.kubernetes.scrape_fields import (
    SD_KEYS,
    PlainValues,
    discovery,
    http_client,
    job_settings,
    limits,
    relabeling,
)
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model, ScrapeJob

BLACKBOX_KEY = "blackbox.yml"  # the ConfigMap key holding the exporter's modules


def _scrape_config(
    model: Model, job: ScrapeJob, name: str, settings: Settings, plain: PlainValues
) -> dict[str, Any]:
    prometheus = model.spec.prometheus
    spec: dict[str, Any] = {
        "jobName": job.name,
        "scrapeInterval": job.scrape_interval or prometheus.scrape_interval,
        "scrapeTimeout": job.scrape_timeout or prometheus.scrape_timeout,
        "metricsPath": job.metrics_path,
    }
    if job.scheme != "http":
        spec["scheme"] = job.scheme
    spec.update(job_settings(job.settings))
    spec.update(limits(job.settings))
    if job.settings is not None:
        spec.update(http_client(job.settings, settings, plain, name))
        for key, items in job.settings.discovery().items():
            spec[SD_KEYS[key]] = [
                discovery(item, settings, plain, f"{name}.{key}.{index}") for index, item in enumerate(items)
            ]
    if job.targets:
        static: dict[str, Any] = {"targets": list(job.targets)}
        if job.labels:
            static["labels"] = dict(sorted(job.labels.items()))
        spec["staticConfigs"] = [static]
    relabels = [] if job.settings is None else [relabeling(r) for r in job.settings.relabel_configs]
    if relabels:
        spec["relabelings"] = relabels
    if job.settings is not None and job.settings.metric_relabel_configs:
        spec["metricRelabelings"] = [relabeling(r) for r in job.settings.metric_relabel_configs]
    return resource(MONITORING_V1ALPHA1, "ScrapeConfig", name, settings, {"spec": spec})


def scrape_resources(model: Model, settings: Settings) -> list[dict[str, Any]]:
    """One resource per scrape job, in the order of prometheus.yml's scrape_configs, then the
    Secret of plain values the operator wants by reference (usernames, OAuth2 client ids) and the
    blackbox exporter's modules as a ConfigMap, if any."""
    jobs = list(model.scrape_jobs)
    names = unique_names([object_name(job.name) for job in jobs])
    plain = PlainValues(settings.scrape_values_secret_name)
    found = []
    for job, name in zip(jobs, names, strict=True):
        kind = monitor_kind(job)
        if kind == "Probe":
            found.append(probe(model, job, name, settings))
        elif kind == "ScrapeConfig":
            found.append(_scrape_config(model, job, name, settings, plain))
        else:
            found.append(monitor(model, job, name, settings, plain))
    if plain.values:
        body = {"type": "Opaque", "stringData": dict(sorted(plain.values.items()))}
        found.append(resource("v1", "Secret", plain.secret_name, settings, body))
    if model.spec.probes is not None and model.spec.probes.modules:
        # the modules the Probes name, for the cluster's blackbox exporter to load (docs/kubernetes.md)
        data = {BLACKBOX_KEY: dump_yaml(build_blackbox_config(model))}
        found.append(resource("v1", "ConfigMap", f"{model.spec.name}-blackbox", settings, {"data": data}))
    return found
