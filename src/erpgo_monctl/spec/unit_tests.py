"""Spec models for alert unit tests users write (`tests:`), compiled to promtool test files."""

from __future__ import annotations

from pydantic import Field

from erpgo_monctl.spec.types import Duration, Interval, LabelMap, Slug, Strict


class InputSeries(Strict):
    """One input series in promtool's notation."""

    series: str = Field(
        min_length=1, description='series selector, e.g. up{job="orders-api", instance="orders:8080"}'
    )
    values: str = Field(
        min_length=1, description="expanding notation, e.g. '0+60x120' or '1x10 0x10' or '_x5'"
    )


class ExpectedAlert(Strict):
    """A firing alert: all its labels (severity too) and annotations, as promtool expands them."""

    labels: LabelMap = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class AlertCheck(Strict):
    """At `eval_time`, exactly `exp_alerts` of `alertname` fire (none when the list is empty)."""

    eval_time: Duration
    alertname: str = Field(pattern=r"^[a-zA-Z_][a-zA-Z0-9_]*$")
    exp_alerts: list[ExpectedAlert] = Field(default_factory=list)


class AlertTest(Strict):
    """A promtool rule test: input series, then the alerts expected at given times."""

    name: Slug
    interval: Interval = Field(default="1m", description="time between two values of an input series")
    evaluation_interval: Interval | None = Field(
        default=None, description="rule evaluation step (default: prometheus.evaluation_interval)"
    )
    input_series: list[InputSeries] = Field(min_length=1)
    alert_tests: list[AlertCheck] = Field(min_length=1)
