"""Semantic checks over the resolved model, each a typed entry in one static registry (CHECKS).

Pydantic proves each value has the right shape; these prove the values agree with each
other (receivers exist, severities are declared, PromQL parses ...). They read the
resolved model, so generated objects (SLO burn alerts, SLO dashboards, SLO test plans) are
checked like written ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.validate import (
    duplicates,
    intervals,
    kubernetes,
    labels,
    metrics,
    promql,
    promql_literals,
    references,
    routing,
    scrape,
    slo,
    stack,
    templates,
)
from erpgo_monctl.validate.acknowledge import acknowledged
from erpgo_monctl.validate.context import Context


@dataclass(frozen=True)
class Check:
    """One concern: its name (for the internal-error message) and the function that checks it."""

    name: str
    run: Callable[[Context], list[Diagnostic]]


# In order: promql first, so an expression beyond the parser's limits stops the checks after it.
CHECKS: tuple[Check, ...] = (
    Check("promql", promql.check),
    Check("promql_literals", promql_literals.check),
    Check("references", references.check),
    Check("duplicates", duplicates.check),
    Check("metrics", metrics.check),
    Check("labels", labels.check),
    Check("routing", routing.check),
    Check("slo", slo.check),
    Check("stack", stack.check),
    Check("templates", templates.check),
    Check("intervals", intervals.check),
    Check("scrape", scrape.check),
    Check("kubernetes", kubernetes.check),
)

# An expression beyond the PromQL parser's limits (promql.py runs first and refuses it unparsed)
# stops the checks that follow: they would hand it to the parser, which overflows its stack.
STOP_CODES = frozenset({"E202"})

__all__ = ["CHECKS", "Check", "Context", "run_checks"]


def run_checks(model: Model) -> list[Diagnostic]:
    """Every semantic check, all findings gathered (not stopping at the first)."""
    ctx = Context(model)
    found: list[Diagnostic] = []
    for check in CHECKS:
        try:
            found.extend(check.run(ctx))
        except Exception as exc:  # a bug in one check is reported, located at the file, never a traceback
            found.append(
                ctx.diag(
                    (),
                    "E000",
                    f"internal error in the {check.name!r} check ({type(exc).__name__}: "
                    f"{exc}); please report it with the spec that caused it",
                )
            )
        if any(d.code in STOP_CODES for d in found):
            break
    return sorted(set(acknowledged(model, found)))
