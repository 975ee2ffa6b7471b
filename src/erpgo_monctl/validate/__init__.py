"""Semantic checks over a parsed spec: one module per concern, each `check(ctx) -> list[Diagnostic]`.

Pydantic proves each value has the right shape; these prove the values agree
with each other (receivers exist, severities are declared, PromQL parses ...).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from erpgo_monctl.diagnostics import Diagnostic, Severity, format_path
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model

# modules below erpgo_monctl.validate exposing `check(ctx: Context) -> list[Diagnostic]`
CHECKS: tuple[str, ...] = (
    "promql",
    "references",
    "duplicates",
    "metrics",
    "labels",
    "routing",
    "slo",
    "stack",
)


@dataclass
class Context:
    """What a check needs: the model and a way to locate spec paths."""

    model: Model

    def diag(
        self, path: PathKey, code: str, message: str, severity: Severity = "error", *, key: bool = False
    ) -> Diagnostic:
        source = self.model.source
        file, line, col = source.where(path, key=key) if source else ("<spec>", 0, 0)
        return Diagnostic(file, line, col, format_path(path), code, severity, message)


# An expression beyond the PromQL parser's limits (promql.py runs first and refuses it unparsed)
# stops the checks that follow: they would hand it to the parser, which overflows its stack.
STOP_CODES = frozenset({"E202"})


def run_checks(model: Model) -> list[Diagnostic]:
    """Every semantic check, all findings gathered (not stopping at the first)."""
    ctx = Context(model)
    found: list[Diagnostic] = []
    for name in CHECKS:
        module = importlib.import_module(f"erpgo_monctl.validate.{name}")
        try:
            found.extend(module.check(ctx))
        except Exception as exc:  # a bug in one check is reported, located at the file, never a traceback
            found.append(
                ctx.diag(
                    (),
                    "E000",
                    f"internal error in the {name!r} check ({type(exc).__name__}: "
                    f"{exc}); please report it with the spec that caused it",
                )
            )
        if any(d.code in STOP_CODES for d in found):
            break
    from erpgo_monctl.validate.acknowledge import acknowledged

    return sorted(set(acknowledged(model, found)))
