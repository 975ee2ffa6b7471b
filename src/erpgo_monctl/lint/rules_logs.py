"""Lint rules over log pipelines: fields promoted to Loki labels that should stay in the line."""

from __future__ import annotations

from collections.abc import Iterator

from erpgo_monctl.lint.context import Finding, LintContext
from erpgo_monctl.lint.rules_metrics import HIGH_CARDINALITY_LABELS
from erpgo_monctl.spec.observability import LabelsStage

# per-request log fields: fine as structured metadata, not as stream labels
LOG_HIGH_CARDINALITY_LABELS = HIGH_CARDINALITY_LABELS | frozenset(
    {
        "endpoint",
        "duration",
        "error",
        "message",
        "msg",
        "user_agent",
        "query",
        "latency",
    }
)


def check(ctx: LintContext) -> Iterator[Finding]:
    logging = ctx.model.spec.logging
    if logging is None:
        return
    for j, job in enumerate(logging.jobs):
        for s, stage in enumerate(job.pipeline):
            for k, label in enumerate(stage.labels if isinstance(stage, LabelsStage) else []):
                if label.lower() in LOG_HIGH_CARDINALITY_LABELS:
                    yield Finding(
                        "logs/high-cardinality-label",
                        ("logging", "jobs", j, "pipeline", s, "labels", k),
                        f"{label!r} as a Loki label makes a stream per value (per request, user or "
                        f"route); keep it as structured_metadata: [{label}] and filter with "
                        f'| {label}="..."',
                    )
