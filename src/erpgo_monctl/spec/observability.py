"""Spec models for logs, traces and dashboards."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, Tag, model_validator

from erpgo_monctl.spec.operations import LintIgnore
from erpgo_monctl.spec.types import (
    Duration,
    Finite,
    LabelMap,
    LabelName,
    Port,
    Regex,
    Slug,
    Strict,
    one_key_of,
)


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


class JsonStage(Strict):
    json_: dict[str, str] = Field(alias="json", description="extracted name -> JSON path")


class RegexStage(Strict):
    regex: Regex = Field(description="RE2 with named groups; each group is an extracted value")


class LabelsStage(Strict):
    labels: list[LabelName] = Field(description="extracted values promoted to labels")


class StructuredMetadataStage(Strict):
    structured_metadata: list[LabelName] = Field(
        description="extracted values kept as Loki structured metadata (high-cardinality fields)"
    )


class TimestampStageItem(Strict):
    timestamp: TimestampStage


class StaticLabelsStage(Strict):
    static_labels: LabelMap


class DropStage(Strict):
    drop_older_than: Duration


# One stage kind per item, in the order they run; the item's one key names its kind.
PipelineStage = Annotated[
    Annotated[JsonStage, Tag("json")]
    | Annotated[RegexStage, Tag("regex")]
    | Annotated[LabelsStage, Tag("labels")]
    | Annotated[StructuredMetadataStage, Tag("structured_metadata")]
    | Annotated[TimestampStageItem, Tag("timestamp")]
    | Annotated[StaticLabelsStage, Tag("static_labels")]
    | Annotated[DropStage, Tag("drop_older_than")],
    one_key_of(
        "a pipeline stage has exactly one of json, regex, labels, structured_metadata, "
        "timestamp, static_labels, drop_older_than",
        "json",
        "regex",
        "labels",
        "structured_metadata",
        "timestamp",
        "static_labels",
        "drop_older_than",
    ),
]


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


class LogJobBase(Strict):
    name: Slug
    labels: LabelMap = Field(default_factory=dict)
    pipeline: list[PipelineStage] = Field(default_factory=list)
    lint_ignore: list[LintIgnore] = Field(default_factory=list, description="deliberate lint findings")


class FileLogJob(LogJobBase):
    """A log job tailing files on the host."""

    paths: list[str] = Field(min_length=1, description="files to tail (glob)")


class DockerLogJob(LogJobBase):
    """A log job reading containers' output through the Docker API."""

    docker: DockerSource


# `paths:` or `docker:` names the kind of a log job.
LogJob = Annotated[
    Annotated[FileLogJob, Tag("paths")] | Annotated[DockerLogJob, Tag("docker")],
    one_key_of(
        "a log job reads either `paths:` (files) or `docker:` (containers), exactly one", "paths", "docker"
    ),
]


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
    """Jaeger v2 all-in-one. It receives OTLP on 4317 (gRPC) and 4318 (HTTP) inside the container, ports
    its image does not let a flag move: applications on the stack's network send to jaeger:4317."""

    ui_port: Port = 16686
    storage: Literal["badger", "memory"] = Field(
        default="badger",
        description="badger: traces kept on the jaeger_data volume across restarts; "
        "memory: lost on restart (local runs)",
    )
    retention: Duration = Field(default="168h", description="how long badger keeps spans")


class Tracing(Strict):
    jaeger: Jaeger | None = None


QueryPanelType = Literal["timeseries", "stat", "gauge", "bargauge", "table", "piechart", "logs"]
PanelType = QueryPanelType | Literal["text"]


class Query(Strict):
    expr: str = Field(min_length=1)
    legend: str | None = None
    instant: bool = False


class Threshold(Strict):
    value: Finite
    color: str


class PanelBase(Strict):
    title: str = Field(min_length=1)
    description: str = ""
    width: int = Field(default=12, ge=1, le=24)
    height: int = Field(default=8, ge=1, le=64)
    lint_ignore: list[LintIgnore] = Field(default_factory=list, description="deliberate lint findings")


class QueryPanel(PanelBase):
    """A panel that plots or lists the results of its queries."""

    type: QueryPanelType
    queries: list[Query] = Field(min_length=1)
    datasource: str = "prometheus"
    unit: str | None = None
    min: Finite | None = None
    max: Finite | None = None
    decimals: int | None = Field(default=None, ge=0, le=10)
    thresholds: list[Threshold] = Field(default_factory=list)


class TextPanel(PanelBase):
    """A markdown panel: no queries, no datasource."""

    type: Literal["text"]
    content: str = Field(min_length=1, description="markdown of a text panel")

    @model_validator(mode="before")
    @classmethod
    def _no_queries(cls, data: Any) -> Any:
        if isinstance(data, dict) and "queries" in data:
            raise ValueError("a text panel has `content:` and no queries")
        return data


# `type:` names the kind of a panel.
Panel = Annotated[QueryPanel | TextPanel, Field(discriminator="type")]


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
