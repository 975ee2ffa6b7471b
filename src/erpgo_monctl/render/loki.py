"""Render `configs/loki.yml`: a Loki 3.x single-binary config on tsdb/v13 with retention."""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.observability import DockerLogJob, LogJob
from erpgo_monctl.spec.types import duration_seconds

LOKI_CONFIG = COMPOSE.path("loki")
DATA_DIR = "/loki"  # the loki_data volume in compose


def push_url(model: Model) -> str:
    """The push endpoint log agents send to, by compose service name."""
    assert model.spec.logging is not None
    return f"http://loki:{model.spec.logging.loki.http_port}/loki/api/v1/push"


def stream_labels(job: LogJob) -> dict[str, str]:
    """Labels every stream of a log job carries; `job` defaults to the job's name so agents agree."""
    labels = dict(job.labels)
    labels.setdefault("job", job.name)
    return labels


def docker_filters(job: LogJob) -> list[dict[str, Any]]:
    """Docker API list filters selecting a job's containers: the engine matches `name` as a regex
    against `/<name>`, `label` as `key=value`."""
    if not isinstance(job, DockerLogJob):
        return []
    filters: list[dict[str, Any]] = []
    if job.docker.containers:
        # names hold [a-zA-Z0-9_.-] only (spec pattern): `.` is the one regex character to escape
        names = ["^/" + name.replace(".", "\\.") + "$" for name in job.docker.containers]
        filters.append({"name": "name", "values": names})
    if job.docker.container_labels:
        labels = [f"{key}={value}" for key, value in sorted(job.docker.container_labels.items())]
        filters.append({"name": "label", "values": labels})
    return filters


def go_duration(text: str) -> str:
    """A Prometheus duration (`7d`) as Go's time.ParseDuration reads it (`168h`), for Alloy/Promtail."""
    millis = round(duration_seconds(text) * 1000)
    parts: list[str] = []
    for unit, size in (("h", 3_600_000), ("m", 60_000), ("s", 1000), ("ms", 1)):
        count, millis = divmod(millis, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"


def loki_config(model: Model) -> dict[str, Any]:
    """The Loki configuration as plain data, only keys Loki 3.x still accepts."""
    assert model.spec.logging is not None
    loki = model.spec.logging.loki
    return {
        "auth_enabled": False,
        "server": {
            "http_listen_port": loki.http_port,
            "grpc_listen_port": loki.grpc_port,
            "log_level": "info",
        },
        "common": {
            "instance_addr": "127.0.0.1",
            "path_prefix": DATA_DIR,
            "storage": {
                "filesystem": {
                    "chunks_directory": f"{DATA_DIR}/chunks",
                    "rules_directory": f"{DATA_DIR}/rules",
                },
            },
            "replication_factor": 1,
            "ring": {"kvstore": {"store": "inmemory"}},
        },
        "schema_config": {
            "configs": [
                {
                    "from": loki.schema_from,
                    "store": "tsdb",
                    "object_store": "filesystem",
                    "schema": "v13",
                    "index": {"prefix": "index_", "period": "24h"},
                },
            ],
        },
        "limits_config": {
            "reject_old_samples": True,
            "reject_old_samples_max_age": loki.reject_old_samples_max_age,
            "retention_period": loki.retention,
            "ingestion_rate_mb": loki.ingestion_rate_mb,
            "ingestion_burst_size_mb": loki.ingestion_burst_size_mb,
            "allow_structured_metadata": True,
            "volume_enabled": True,
        },
        "compactor": {
            "working_directory": f"{DATA_DIR}/compactor",
            "compaction_interval": "10m",
            "retention_enabled": True,
            "retention_delete_delay": "2h",
            "delete_request_store": "filesystem",
        },
        "ruler": {"alertmanager_url": "http://alertmanager:9093"},
        "analytics": {"reporting_enabled": False},
    }


def render(model: Model) -> Files:
    """Render the Loki config when the spec has a `logging:` section."""
    if model.spec.logging is None:
        return {}
    return {LOKI_CONFIG: dump_yaml(loki_config(model), model.header).encode()}
