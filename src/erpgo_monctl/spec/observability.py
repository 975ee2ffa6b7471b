"""Spec models for logs, traces and dashboards."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from erpgo_monctl.spec.operations import LintIgnore
from erpgo_monctl.spec.types import Duration, LabelMap, LabelName, Port, Slug, Strict


class Loki(Strict):
    http_port: Port = 3100
    grpc_port: Port = 9096
    schema_from: str = Field(
        default="2024-04-01",
        pattern=r"^\d{4}-\d{2}-\d{2}$",
        description="first day of the tsdb/v13 schema period",
    )
    retention: Duration = "744h"
    reject_old_samples_max_age: Duration = "168h"
    ingestion_rate_mb: int = Field(default=4, gt=0)
    ingestion_burst_size_mb: int = Field(default=6, gt=0)


class Promtail(Strict):
    http_port: Port = 9080
    positions_file: str = "/var/lib/promtail/positions.yaml"


class TimestampStage(Strict):
    source: str
    format: str = "RFC3339"


class PipelineStage(Strict):
    """Exactly one stage kind per item, in the order they run."""

    json_: dict[str, str] | None = Field(
        default=None, alias="json", description="extracted name -> JSON path"
    )
    regex: str | None = None
    labels: list[LabelName] | None = Field(default=None, description="extracted values promoted to labels")
    structured_metadata: list[LabelName] | None = Field(
        default=None,
        description="extracted values kept as Loki structured metadata (high-cardinality fields)",
    )
    timestamp: TimestampStage | None = None
    static_labels: LabelMap | None = None
    drop_older_than: Duration | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> PipelineStage:
        kinds = [name for name in type(self).model_fields if getattr(self, name) is not None]
        if len(kinds) != 1:
            raise ValueError(
                "a pipeline stage has exactly one of json, regex, labels, structured_metadata, "
                f"timestamp, static_labels, drop_older_than (found {', '.join(kinds) or 'none'})"
            )
        return self


CONTAINER_NAME = r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"


class DockerSource(Strict):
    """Containers of one Docker engine; `containers`/`container_labels` select which ones are read."""

    host: str = "unix:///var/run/docker.sock"
    refresh_interval: Duration = "5s"
    containers: list[Annotated[str, Field(pattern=CONTAINER_NAME)]] = Field(
        default_factory=list, description="read only these containers (exact names)"
    )
    container_labels: dict[str, str] = Field(
        default_factory=dict,
        description="read only containers with these Docker labels, e.g. com.docker.compose.service: web",
    )

    @property
    def filtered(self) -> bool:
        return bool(self.containers or self.container_labels)


class LogJob(Strict):
    name: Slug
    paths: list[str] = Field(default_factory=list, description="files to tail (glob)")
    docker: DockerSource | None = None
    labels: LabelMap = Field(default_factory=dict)
    pipeline: list[PipelineStage] = Field(default_factory=list)
    lint_ignore: list[LintIgnore] = Field(default_factory=list, description="deliberate lint findings")

    @model_validator(mode="after")
    def _one_source(self) -> LogJob:
        if bool(self.paths) == (self.docker is not None):
            raise ValueError("a log job reads either `paths:` (files) or `docker:` (containers), exactly one")
        return self


class Logging(Strict):
    agent: Literal["alloy", "promtail"] = "alloy"
    loki: Loki = Field(default_factory=Loki)
    promtail: Promtail = Field(default_factory=Promtail)
    jobs: list[LogJob] = Field(default_factory=list)
    host_log_dir: str = Field(
        default="/var/log",
        pattern=r"^/(?:[^/\s]+(?:/[^/\s]+)*)?$",
        description="host directory the log agent reads (mounted read-only at the same path); "
        "every `paths:` entry lies below it",
    )


class Jaeger(Strict):
    ui_port: Port = 16686
    otlp_grpc_port: Port = 4317
    otlp_http_port: Port = 4318
    storage: Literal["badger", "memory"] = Field(
        default="badger",
        description="badger: traces kept on the jaeger_data volume across restarts; "
        "memory: lost on restart (local runs)",
    )
    retention: Duration = Field(default="168h", description="how long badger keeps spans")


class Tracing(Strict):
    jaeger: Jaeger | None = None


PanelType = Literal["timeseries", "stat", "gauge", "bargauge", "table", "piechart", "logs", "text"]


class Query(Strict):
    expr: str = Field(min_length=1)
    legend: str | None = None
    instant: bool = False


class Threshold(Strict):
    value: float
    color: str


class Panel(Strict):
    title: str = Field(min_length=1)
    type: PanelType
    queries: list[Query] = Field(default_factory=list)
    datasource: str = "prometheus"
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    decimals: int | None = Field(default=None, ge=0, le=10)
    description: str = ""
    content: str | None = Field(default=None, description="markdown of a text panel")
    thresholds: list[Threshold] = Field(default_factory=list)
    width: int = Field(default=12, ge=1, le=24)
    height: int = Field(default=8, ge=1, le=64)
    lint_ignore: list[LintIgnore] = Field(default_factory=list, description="deliberate lint findings")

    @model_validator(mode="after")
    def _queries_or_content(self) -> Panel:
        if self.type == "text":
            if self.queries or not self.content:
                raise ValueError("a text panel has `content:` and no queries")
        elif not self.queries:
            raise ValueError(f"a {self.type} panel needs at least one query")
        return self


class Dashboard(Strict):
    title: str = Field(min_length=1)
    uid: str | None = Field(default=None, pattern=r"^[a-zA-Z0-9_-]{1,40}$")
    tags: list[str] = Field(default_factory=list)
    refresh: Duration | None = "30s"
    time_from: str = "now-6h"
    timezone: Literal["browser", "utc", ""] = "browser"
    description: str = ""
    panels: list[Panel] = Field(min_length=1)
    folder: str | None = Field(
        default=None, min_length=1, description="Grafana folder; default: stack.grafana.folder"
    )
