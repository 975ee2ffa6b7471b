"""Spec models for what Prometheus scrapes and evaluates: jobs, metrics, rules, alerts, SLOs."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, Tag, field_validator, model_validator

from erpgo_monctl.spec.operations import LintIgnore
from erpgo_monctl.spec.scrape import ScrapeSettings
from erpgo_monctl.spec.types import (
    AnnotationMap,
    Duration,
    Finite,
    HttpURL,
    Interval,
    LabelMap,
    LabelName,
    Slug,
    Strict,
    one_key_of,
)

METRIC_NAME_RE = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")


class Service(ScrapeSettings):
    """An application scrape job: `name` becomes the Prometheus job label."""

    name: Slug
    labels: LabelMap = Field(default_factory=dict, description="labels added to every static target")
    description: str = ""


ExporterKind = Literal[
    "node", "postgres", "redis", "docker", "cadvisor", "blackbox", "mysql", "process", "custom"
]


class Exporter(ScrapeSettings):
    """An infrastructure exporter scraped by Prometheus."""

    name: Slug
    kind: ExporterKind
    labels: LabelMap = Field(default_factory=dict, description="labels added to every static target")
    metric_prefixes: list[str] = Field(
        default_factory=list, description="extra metric name prefixes this exporter produces (kind custom)"
    )


class Metric(Strict):
    """One metric an application exposes: the catalog lint and cross-checks read."""

    name: str
    type: Literal["counter", "gauge", "histogram", "summary"]
    help: str = Field(min_length=1)
    labels: list[LabelName] = Field(default_factory=list)
    unit: str | None = None
    buckets: list[Finite] | None = None
    lint_ignore: list[LintIgnore] = Field(default_factory=list, description="deliberate lint findings")

    @field_validator("name")
    @classmethod
    def _metric_name(cls, value: str) -> str:
        if not METRIC_NAME_RE.fullmatch(value):
            raise ValueError(f"{value!r} is not a valid metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)")
        return value

    @model_validator(mode="after")
    def _buckets_only_for_histograms(self) -> Metric:
        if self.buckets is not None:
            if self.type != "histogram":
                raise ValueError("buckets: only histograms have buckets; remove it or set type: histogram")
            if sorted(self.buckets) != self.buckets or len(set(self.buckets)) != len(self.buckets):
                raise ValueError("buckets: list the upper bounds in strictly increasing order")
        return self


class RecordingRule(Strict):
    record: str
    expr: str = Field(min_length=1)
    labels: LabelMap = Field(default_factory=dict)
    lint_ignore: list[LintIgnore] = Field(default_factory=list, description="deliberate lint findings")

    @field_validator("record")
    @classmethod
    def _record_name(cls, value: str) -> str:
        if not METRIC_NAME_RE.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a valid metric name for a recording rule (e.g. job:http_requests:rate5m)"
            )
        return value


class RecordingGroup(Strict):
    name: str = Field(min_length=1)
    interval: Interval | None = None
    limit: int | None = Field(
        default=None, ge=0, description="most series the group may produce (0: no limit)"
    )
    rules: list[RecordingRule] = Field(min_length=1)


class AlertRule(Strict):
    """An alerting rule; severity, summary and description are first-class, not free labels."""

    alert: str = Field(pattern=r"^[a-zA-Z_][a-zA-Z0-9_]*$")
    expr: str = Field(min_length=1)
    for_: Duration | None = Field(default=None, alias="for")
    keep_firing_for: Duration | None = Field(
        default=None, description="keep firing this long after the condition clears (flapping)"
    )
    severity: str
    summary: str = Field(min_length=1)
    description: str = Field(min_length=1)
    labels: LabelMap = Field(default_factory=dict)
    annotations: AnnotationMap = Field(default_factory=dict)
    runbook_url: HttpURL | None = None
    procedure: str | None = Field(
        default=None, description="on-call procedure (incidents.procedures) for the runbook"
    )
    lint_ignore: list[LintIgnore] = Field(default_factory=list, description="deliberate lint findings")

    @field_validator("labels")
    @classmethod
    def _no_severity_label(cls, value: dict[str, str]) -> dict[str, str]:
        if "severity" in value:
            raise ValueError(
                "severity is its own field: write `severity: ...` next to `alert:`, not under labels"
            )
        return value

    @field_validator("annotations")
    @classmethod
    def _no_reserved_annotations(cls, value: dict[str, str]) -> dict[str, str]:
        for key in ("summary", "description", "runbook_url"):
            if key in value:
                raise ValueError(f"{key} is its own field of the alert: move it out of annotations")
        return value


class AlertGroup(Strict):
    name: str = Field(min_length=1)
    interval: Interval | None = None
    limit: int | None = Field(
        default=None, ge=0, description="most alerts the group may produce (0: no limit)"
    )
    rules: list[AlertRule] = Field(min_length=1)


class EventsSLI(Strict):
    errors: str = Field(min_length=1, description="PromQL for bad events over {{window}}")
    total: str = Field(min_length=1, description="PromQL for all events over {{window}}")


class LatencySLI(Strict):
    metric: str = Field(description="histogram base name, without _bucket")
    threshold: Finite = Field(gt=0, description="seconds; requests slower than this are bad events")
    selector: str = Field(
        default="",
        description='label matchers, with or without braces: job="api" or {job="api"}',
    )

    @field_validator("selector")
    @classmethod
    def _without_braces(cls, value: str) -> str:
        """`{job="api"}` as copied from PromQL means what `job="api"` means."""
        stripped = value.strip()
        if stripped.startswith("{") and stripped.endswith("}"):
            return stripped[1:-1].strip()
        return value


class SLIByEvents(Strict):
    """An SLI given as two queries: bad events and all events."""

    events: EventsSLI


class SLIByLatency(Strict):
    """An SLI given as a histogram and a threshold: slower requests are the bad events."""

    latency: LatencySLI


class RawSLI(Strict):
    error_ratio: str = Field(min_length=1, description="PromQL for the error ratio (0 to 1) over {{window}}")


class SLIByRaw(Strict):
    """An SLI given as one error-ratio query (Sloth's `raw`): no event counts, so the SLO-window
    ratio is the mean of the 5m ratios and min_events cannot be used."""

    raw: RawSLI


class TimeSliceSLI(Strict):
    selector: str = Field(
        min_length=1, description='a 0/1 gauge, e.g. up{job="api"} or probe_success{instance="https://x"}'
    )


class SLIByTimeSlices(Strict):
    """An SLI over time slices: every sample of a 0/1 gauge is a slice, 0 a bad one (availability
    from `up` or `probe_success`: the share of good scrapes)."""

    time_slices: TimeSliceSLI


# `sli: {events: ...}`, `{latency: ...}`, `{raw: ...}` or `{time_slices: ...}`: the key names the kind.
SLI = Annotated[
    Annotated[SLIByEvents, Tag("events")]
    | Annotated[SLIByLatency, Tag("latency")]
    | Annotated[SLIByRaw, Tag("raw")]
    | Annotated[SLIByTimeSlices, Tag("time_slices")],
    one_key_of(
        "give exactly one of `events: {errors, total}`, `latency: {metric, threshold}`, "
        "`raw: {error_ratio}` or `time_slices: {selector}`",
        "events",
        "latency",
        "raw",
        "time_slices",
    ),
]


class BurnCondition(Strict):
    """One burn-rate condition: the error ratio over `long` and over `short` both above factor x budget."""

    long: Duration = Field(description="long window, e.g. 1h")
    short: Duration = Field(description="short window, e.g. 5m (the Workbook uses long / 12)")
    factor: Finite = Field(gt=0, description="burn rate; 1 spends the budget exactly over the SLO window")


class SLOAlert(Strict):
    name: str | None = Field(default=None, pattern=r"^[a-zA-Z_][a-zA-Z0-9_]*$")
    severity: str | None = None
    labels: LabelMap = Field(default_factory=dict)
    annotations: AnnotationMap = Field(default_factory=dict)
    disable: bool = False
    windows: list[BurnCondition] | None = Field(
        default=None,
        min_length=1,
        description="own burn-rate conditions (ORed); default: the SRE Workbook's, scaled to the SLO window",
    )
    min_events: int | None = Field(
        default=None,
        ge=1,
        description="a condition fires only with at least this many events in its long window (low traffic)",
    )


class NoDataAlert(Strict):
    """An alert when the SLI's total has had no series for `for` (a broken scrape, a renamed metric)."""

    for_: Duration = Field(default="10m", alias="for")
    name: str | None = Field(default=None, pattern=r"^[a-zA-Z_][a-zA-Z0-9_]*$")
    severity: str | None = None
    labels: LabelMap = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class SLOAlerting(Strict):
    page: SLOAlert = Field(default_factory=SLOAlert)
    ticket: SLOAlert = Field(default_factory=SLOAlert)
    no_data: NoDataAlert | None = None


class SLO(Strict):
    name: Slug
    service: str
    objective: Finite = Field(gt=0, lt=100, description="percent of good events, e.g. 99.9")
    window: Duration = "30d"
    description: str = ""
    sli: SLI
    labels: LabelMap = Field(
        default_factory=dict, description="labels every rule of the SLO carries, recording rules too"
    )
    group_by: list[LabelName] = Field(
        default_factory=list,
        description="evaluate the SLO per value of these labels (budgets and alerts per group)",
    )
    alerting: SLOAlerting = Field(default_factory=SLOAlerting)

    @field_validator("objective")
    @classmethod
    def _percent_not_ratio(cls, value: float) -> float:
        """0.999 is OpenSLO's ratio; here it would mean 0.999 % and alerts that can never fire."""
        if value < 1:
            raise ValueError(
                f"{value:g} reads as {value:g} % (a ratio, as OpenSLO writes it?): objective is a "
                f"percent; did you mean {value * 100:g}?"
            )
        return value
