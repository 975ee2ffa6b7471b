"""Scrape resources: the compose target's scrape jobs as prometheus-operator resources.

A job with static `targets` becomes a ScrapeConfig with `staticConfigs` (the only
resource that scrapes addresses the cluster does not discover). Its `jobName` keeps the
`job` label the spec's alerts and dashboards select on (`up{job="erpgo-api"}`); without it
the operator would name the job `scrapeConfig/<namespace>/<name>`.

Intervals are written on every resource, falling back to the spec's
`prometheus.scrape_interval` / `scrape_timeout`: the Prometheus CR's own defaults
(kube-prometheus-stack: 30s) are not the spec's, and the compose render scrapes at the
spec's.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render.kubernetes.resources import (
    MONITORING_V1ALPHA1,
    Settings,
    object_name,
    resource,
    unique_names,
)
from erpgo_monctl.resolve.model import Model, ScrapeJob


def _static_scrape_config(model: Model, job: ScrapeJob, name: str, settings: Settings) -> dict[str, Any]:
    prometheus = model.spec.prometheus
    spec: dict[str, Any] = {
        "jobName": job.name,
        "scrapeInterval": job.scrape_interval or prometheus.scrape_interval,
        "scrapeTimeout": job.scrape_timeout or prometheus.scrape_timeout,
        "metricsPath": job.metrics_path,
    }
    if job.scheme != "http":
        spec["scheme"] = job.scheme
    static: dict[str, Any] = {"targets": list(job.targets)}
    if job.labels:
        static["labels"] = dict(sorted(job.labels.items()))
    spec["staticConfigs"] = [static]
    if job.probe is not None:
        # a blackbox probe: ask the exporter's /probe with the target as a parameter (render/scrape.py)
        spec["params"] = {"module": [job.probe.module]}
        spec["relabelings"] = [
            {"sourceLabels": ["__address__"], "targetLabel": "__param_target", "action": "replace"},
            {"sourceLabels": ["__param_target"], "targetLabel": "instance", "action": "replace"},
            {"targetLabel": "__address__", "replacement": job.probe.exporter, "action": "replace"},
        ]
    return resource(MONITORING_V1ALPHA1, "ScrapeConfig", name, settings, {"spec": spec})


def scrape_resources(model: Model, settings: Settings) -> list[dict[str, Any]]:
    """One resource per scrape job, in the order of prometheus.yml's scrape_configs."""
    jobs = list(model.scrape_jobs)
    names = unique_names([object_name(job.name) for job in jobs])
    return [_static_scrape_config(model, job, name, settings) for job, name in zip(jobs, names, strict=True)]
