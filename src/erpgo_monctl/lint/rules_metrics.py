"""Lint rules over the metrics catalog: unbounded labels and Prometheus naming conventions."""

from __future__ import annotations

from collections.abc import Iterator

from erpgo_monctl.lint.context import Finding, LintContext
from erpgo_monctl.spec.rules import Metric

# label names whose values are per user, per request or per client: unbounded series counts
HIGH_CARDINALITY_LABELS = frozenset(
    {
        "ip",
        "ip_address",
        "client_ip",
        "remote_addr",
        "remote_ip",
        "user_id",
        "userid",
        "request_id",
        "email",
        "url",
        "path",
        "session_id",
        "trace_id",
        "span_id",
        "uuid",
    }
)
BASE_UNITS = frozenset(
    {"seconds", "bytes", "ratio", "meters", "volts", "amperes", "joules", "grams", "celsius", "hertz"}
)
NON_BASE_UNITS = {
    "milliseconds": "seconds",
    "ms": "seconds",
    "microseconds": "seconds",
    "nanoseconds": "seconds",
    "minutes": "seconds",
    "hours": "seconds",
    "days": "seconds",
    "kilobytes": "bytes",
    "megabytes": "bytes",
    "gigabytes": "bytes",
    "kb": "bytes",
    "mb": "bytes",
    "gb": "bytes",
    "percent": "ratio",
}


def check(ctx: LintContext) -> Iterator[Finding]:
    for i, metric in enumerate(ctx.model.spec.metrics):
        for k, label in enumerate(metric.labels):
            if label.lower() in HIGH_CARDINALITY_LABELS:
                yield Finding(
                    "metrics/high-cardinality-label",
                    ("metrics", i, "labels", k),
                    f"label {label!r} of {metric.name} has one value per client/user/request: every "
                    "value is a new series that never goes away; drop the label and keep the detail in "
                    "logs or traces",
                )
        for path_key, message in naming_problems(metric):
            yield Finding("metrics/naming", ("metrics", i, path_key), message)


def naming_problems(metric: Metric) -> Iterator[tuple[str, str]]:
    """(field, message) for each naming convention `metric` breaks."""
    name = metric.name
    if ":" in name:
        yield "name", f"{name}: colons are reserved for recording rules (level:metric:operations)"
    if metric.type == "counter" and not name.endswith("_total"):
        yield "name", f"counter {name} should end in _total (e.g. {name}_total)"
    if metric.type != "counter" and name.endswith("_total"):
        yield "name", f"{metric.type} {name} ends in _total, which promises a counter"
    if metric.type in ("histogram", "summary"):
        for suffix in ("_bucket", "_sum", "_count"):
            if name.endswith(suffix):
                yield (
                    "name",
                    (
                        f"{metric.type} {name} ends in {suffix}: name the {metric.type} without it; "
                        "the client library adds _bucket/_sum/_count"
                    ),
                )
    stem = name.removesuffix("_total")
    for part in stem.lower().split("_")[1:]:
        if part in NON_BASE_UNITS:
            yield (
                "name",
                f"{name} uses the unit {part!r}: Prometheus uses base units ({NON_BASE_UNITS[part]})",
            )
            break
    unit = (metric.unit or "").lower()
    if unit in NON_BASE_UNITS:
        yield "unit", f"unit {metric.unit!r}: Prometheus uses base units ({NON_BASE_UNITS[unit]})"
    elif unit in BASE_UNITS and not stem.endswith(f"_{unit}"):
        yield "name", f"{name} has unit {unit} but its name does not say so (e.g. ..._{unit})"
