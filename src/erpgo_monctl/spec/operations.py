"""Spec models for people and packaging: incidents, the compose stack, lint settings."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, field_validator

from erpgo_monctl.spec.types import Duration, Port, SecretFile, Strict

IMAGE_RE = re.compile(
    r"(?P<name>[a-z0-9][a-z0-9._/-]*[a-z0-9])(?::(?P<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?"
    r"(?:@(?P<digest>sha256:[a-f0-9]{64}))?"
)


def _check_image(value: str) -> str:
    found = IMAGE_RE.fullmatch(value)
    if not found:
        raise ValueError(f"{value!r} is not an image reference (e.g. prom/prometheus:v3.5.0)")
    if not found["digest"] and (not found["tag"] or found["tag"] == "latest"):
        raise ValueError(
            f"image {value!r} is not pinned: name a release tag, e.g. {found['name']}:v1.2.3 (never :latest)"
        )
    return value


Image = Annotated[str, AfterValidator(_check_image)]


class IncidentLevel(Strict):
    name: str
    description: str
    response_time: Duration
    example: str = ""


class SeverityPolicy(Strict):
    """What an alert `severity` label value means for the people paged."""

    level: str = Field(description="name of an incident level")
    procedure: str | None = Field(default=None, description="default on-call procedure for runbooks")
    description: str = ""


class Procedure(Strict):
    title: str | None = None
    steps: list[str] = Field(min_length=1)


class WorkflowStage(Strict):
    name: str
    steps: list[str] = Field(min_length=1)


class Incidents(Strict):
    runbook_base_url: str | None = Field(default=None, pattern=r"^https?://")
    levels: list[IncidentLevel] = Field(default_factory=list)
    severities: dict[str, SeverityPolicy] = Field(default_factory=dict)
    workflow: list[WorkflowStage] = Field(default_factory=list)
    procedures: dict[str, Procedure] = Field(default_factory=dict)


class Component(Strict):
    image: Image | None = Field(
        default=None, description="pinned image; default: the version monctl's configs are written for"
    )
    port: Port | None = Field(default=None, description="host port published for the service")
    bind_address: str | None = Field(
        default=None,
        pattern=r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])$",
        description="host address the port is published on; default: stack.bind_address",
    )


class Grafana(Component):
    admin_user: str = "admin"
    admin_password_file: SecretFile = "grafana_admin_password"
    allow_sign_up: bool = False
    folder: str | None = Field(
        default=None,
        min_length=1,
        description="folder of dashboards without `folder:` and of generated SLO dashboards; "
        "default: the spec's name",
    )


class Stack(Strict):
    """The docker compose stack: every image pinned (defaults: resolve/layout.py), secrets in `secrets_dir`.

    Which services run follows the spec's sections: Prometheus and Grafana always, Alertmanager
    with `alertmanager:`, Loki and the chosen agent with `logging:`, Jaeger with `tracing.jaeger`;
    node-exporter and cAdvisor when listed here (`node_exporter: {}` runs the default image).
    """

    network: str = Field(default="monitoring", pattern=r"^[a-z][a-z0-9_-]*$")
    secrets_dir: str = Field(
        default="../secrets", description="host directory of secret files, relative to the output directory"
    )
    container_prefix: str | None = Field(default=None, pattern=r"^[a-z][a-z0-9_-]*$")
    bind_address: str = Field(
        default="127.0.0.1",
        pattern=r"^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\])$",
        description="host address ports are published on; 127.0.0.1 keeps admin APIs off the network",
    )
    prometheus: Component = Field(default_factory=Component)
    alertmanager: Component = Field(default_factory=Component)
    grafana: Grafana = Field(default_factory=Grafana)
    loki: Component = Field(default_factory=Component)
    promtail: Component = Field(default_factory=Component)
    alloy: Component = Field(default_factory=Component)
    jaeger: Component = Field(default_factory=Component)
    node_exporter: Component | None = None
    cadvisor: Component | None = None
    blackbox: Component | None = Field(
        default=None, description="the blackbox exporter run when `probes:` exist (default image if absent)"
    )


class Lint(Strict):
    """`monctl lint` settings: rule ids to turn off, and per-rule severity overrides."""

    disable: list[str] = Field(default_factory=list, description="lint rule ids to turn off")
    severity: dict[str, Literal["error", "warning", "info", "off"]] = Field(
        default_factory=dict, description="lint rule id -> the level to report it at (off: not at all)"
    )


class LintIgnore(Strict):
    """Silences one lint rule on the item that carries it; the reason is kept for reviewers."""

    rule: str = Field(min_length=1, description="lint rule id, e.g. metrics/high-cardinality-label")
    reason: str = Field(min_length=1, description="why the finding is deliberate here")

    @field_validator("reason")
    @classmethod
    def _real_reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("give the reason this finding is deliberate (it is what reviewers read)")
        return value
