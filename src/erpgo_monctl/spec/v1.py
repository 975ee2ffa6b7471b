"""The spec users write, version 1 (the contract: only `version` and `name` are required)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from erpgo_monctl.spec.alertmanager import Alertmanager
from erpgo_monctl.spec.kubernetes import Kubernetes
from erpgo_monctl.spec.observability import Dashboard, Logging, Tracing
from erpgo_monctl.spec.operations import Incidents, Lint, Stack
from erpgo_monctl.spec.probes import Probes
from erpgo_monctl.spec.rules import SLO, AlertGroup, Exporter, Metric, RecordingGroup, Service
from erpgo_monctl.spec.types import (
    Duration,
    HostPort,
    Interval,
    LabelMap,
    SecretFile,
    ServerURL,
    Strict,
    duration_ms,
)
from erpgo_monctl.spec.unit_tests import AlertTest


class BasicAuth(Strict):
    username: str
    password_file: SecretFile


class RemoteWrite(Strict):
    url: ServerURL
    name: str | None = None
    basic_auth: BasicAuth | None = None
    bearer_token_file: SecretFile | None = None


class Prometheus(Strict):
    scrape_interval: Interval = "15s"
    evaluation_interval: Interval = "15s"
    scrape_timeout: Interval = "10s"
    retention: Duration = "30d"
    external_labels: LabelMap = Field(default_factory=dict)
    remote_write: list[RemoteWrite] = Field(default_factory=list)
    alertmanagers: list[HostPort] | None = Field(
        default=None,
        min_length=1,
        description="where Prometheus sends alerts (host:port); default: the stack's Alertmanager "
        "when the spec has `alertmanager:`, else nowhere",
    )

    @model_validator(mode="after")
    def _timeout_within_interval(self) -> Prometheus:
        # Prometheus refuses the whole config: "global scrape timeout greater than scrape interval"
        if duration_ms(self.scrape_timeout) > duration_ms(self.scrape_interval):
            written = "scrape_timeout" in self.model_fields_set
            raise ValueError(
                f"{'scrape_timeout' if written else 'scrape_interval'}: scrape_timeout "
                f"{self.scrape_timeout}{'' if written else ' (the default)'} is longer than scrape_interval "
                f"{self.scrape_interval}: Prometheus refuses that; set scrape_timeout to at most "
                f"{self.scrape_interval}"
            )
        return self


class Spec(Strict):
    """A whole monitoring system, described once."""

    version: Literal[1]
    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    environment: str = "production"
    description: str = ""
    prometheus: Prometheus = Field(default_factory=Prometheus)
    services: list[Service] = Field(default_factory=list)
    exporters: list[Exporter] = Field(default_factory=list)
    probes: Probes | None = Field(
        default=None, description="blackbox probes of endpoints (HTTP, TCP, ICMP, DNS, gRPC)"
    )
    metrics: list[Metric] = Field(default_factory=list)
    recording_rules: list[RecordingGroup] = Field(default_factory=list)
    alerts: list[AlertGroup] = Field(default_factory=list)
    slos: list[SLO] = Field(default_factory=list)
    tests: list[AlertTest] = Field(default_factory=list, description="alert unit tests run by `monctl test`")
    alertmanager: Alertmanager | None = None
    logging: Logging | None = None
    tracing: Tracing | None = None
    dashboards: list[Dashboard] = Field(default_factory=list)
    incidents: Incidents = Field(default_factory=Incidents)
    stack: Stack = Field(default_factory=Stack)
    environments: dict[str, dict[str, Any]] = Field(
        default_factory=dict, description="named overlays merged over the base spec by `render --env NAME`"
    )
    include: list[str] = Field(default_factory=list, description="spec files or globs merged into this one")
    lint: Lint = Field(default_factory=Lint)
    kubernetes: Kubernetes = Field(
        default_factory=Kubernetes, description="settings of `monctl render --target kubernetes`"
    )

    @model_validator(mode="after")
    def _kubernetes_logs_name_jobs(self) -> Spec:
        jobs = {job.name for job in self.logging.jobs} if self.logging else set()
        for name in self.kubernetes.logs:
            if name not in jobs:
                known = ", ".join(sorted(jobs)) or "none: the spec has no logging.jobs"
                raise ValueError(f"kubernetes: logs: {name!r} is not a logging.jobs name (known: {known})")
        return self
