"""ScrapeConfigs: the compose scrape jobs, with the job label and the spec's intervals kept."""
# (which jobs become ServiceMonitors, PodMonitors or Probes instead: test_monitors.py)

from __future__ import annotations

from collections.abc import Callable

from erpgo_monctl.render.kubernetes import render
from erpgo_monctl.resolve.model import Model
from tests.render.kubernetes.conftest import Tree, resources


def test_every_static_scrape_job_is_a_scrape_config(erpgo_model: Model, erpgo_kubernetes: Tree) -> None:
    configs = resources(erpgo_kubernetes, "ScrapeConfig")
    jobs = {c["spec"]["jobName"]: c["spec"]["staticConfigs"][0]["targets"] for c in configs.values()}
    assert jobs == {job.name: list(job.targets) for job in erpgo_model.scrape_jobs if job.probe is None}


def test_intervals_fall_back_to_the_spec_globals(minimal_model: Callable[..., Model]) -> None:
    job = 'targets: ["api:8080"]\n    scrape_interval: 5s\n    labels: {team: a}'
    model = minimal_model(replace={'targets: ["api:8080"]': job})
    configs = resources(render(model), "ScrapeConfig")
    assert configs["shop-api"]["spec"] == {
        "jobName": "shop-api",
        "scrapeInterval": "5s",
        "scrapeTimeout": "10s",
        "metricsPath": "/metrics",
        "staticConfigs": [{"targets": ["api:8080"], "labels": {"team": "a"}}],
    }
    assert configs["node-exporter"]["spec"]["scrapeInterval"] == "15s"
