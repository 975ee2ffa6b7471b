"""Render `configs/promtail.yml` for deployments still on Promtail (end of life; Alloy is the default)."""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.loki import docker_filters, go_duration, push_url, stream_labels
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.observability import (
    DockerLogJob,
    DropStage,
    JsonStage,
    LabelsStage,
    LogJob,
    PipelineStage,
    RegexStage,
    StaticLabelsStage,
    StructuredMetadataStage,
    TimestampStageItem,
)

PROMTAIL_CONFIG = COMPOSE.path("promtail")


def pipeline_stage(stage: PipelineStage) -> dict[str, Any]:
    """One spec pipeline stage as a Promtail `pipeline_stages` entry."""
    match stage:
        case JsonStage():
            return {"json": {"expressions": dict(stage.json_)}}
        case RegexStage():
            return {"regex": {"expression": stage.regex}}
        case LabelsStage():
            # `name: name` (same extracted key) means what promtail's `name:` with an empty value means.
            return {"labels": {name: name for name in stage.labels}}
        case StructuredMetadataStage():
            return {"structured_metadata": {name: name for name in stage.structured_metadata}}
        case TimestampStageItem():
            return {"timestamp": {"source": stage.timestamp.source, "format": stage.timestamp.format}}
        case StaticLabelsStage():
            return {"static_labels": dict(stage.static_labels)}
        case DropStage():
            return {"drop": {"older_than": go_duration(stage.drop_older_than)}}


def scrape_config(job: LogJob) -> dict[str, Any]:
    """One Promtail scrape config: static file targets or Docker service discovery."""
    labels = stream_labels(job)
    config: dict[str, Any] = {"job_name": job.name}
    if isinstance(job, DockerLogJob):
        discovery: dict[str, Any] = {"host": job.docker.host, "refresh_interval": job.docker.refresh_interval}
        if filters := docker_filters(job):
            discovery["filters"] = filters
        config["docker_sd_configs"] = [discovery]
        relabel: list[dict[str, Any]] = [
            {
                "source_labels": ["__meta_docker_container_name"],
                "regex": "/(.*)",
                "target_label": "container",
            },
        ]
        relabel.extend({"target_label": name, "replacement": value} for name, value in labels.items())
        config["relabel_configs"] = relabel
    else:
        config["static_configs"] = [
            {"targets": ["localhost"], "labels": {**labels, "__path__": path}} for path in job.paths
        ]
    if job.pipeline:
        config["pipeline_stages"] = [pipeline_stage(stage) for stage in job.pipeline]
    return config


def promtail_config(model: Model) -> dict[str, Any]:
    """The Promtail configuration as plain data."""
    assert model.spec.logging is not None
    logging = model.spec.logging
    return {
        "server": {"http_listen_port": logging.promtail.http_port, "grpc_listen_port": 0},
        "positions": {"filename": logging.promtail.positions_file},
        "clients": [{"url": push_url(model)}],
        "scrape_configs": [scrape_config(job) for job in logging.jobs],
    }


def render(model: Model) -> Files:
    """Render the Promtail config only when the spec chooses `logging.agent: promtail`."""
    if model.spec.logging is None or model.spec.logging.agent != "promtail":
        return {}
    return {PROMTAIL_CONFIG: dump_yaml(promtail_config(model), model.header).encode()}
