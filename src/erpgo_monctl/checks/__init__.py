"""Semantic checks over a parsed spec: one module per concern, each `check(ctx) -> list[Diagnostic]`.

Pydantic proves each value has the right shape; these prove the values agree
with each other (receivers exist, severities are declared, PromQL parses ...).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from erpgo_monctl.errors import Diagnostic, Severity, format_path
from erpgo_monctl.model import Model
from erpgo_monctl.spec.load import PathKey

# modules below erpgo_monctl.checks exposing `check(ctx: Context) -> list[Diagnostic]`
CHECKS: tuple[str, ...] = ("promql", "references", "duplicates", "metrics", "labels", "routing", "slo")


@dataclass
class Context:
    """What a check needs: the model and a way to locate spec paths."""

    model: Model

    def diag(self, path: PathKey, code: str, message: str, severity: Severity = "error",
             *, key: bool = False) -> Diagnostic:
        source = self.model.source
        file = source.file if source else "<spec>"
        line, col = source.locate(path, key=key) if source else (0, 0)
        return Diagnostic(file, line, col, format_path(path), code, severity, message)


def run_checks(model: Model) -> list[Diagnostic]:
    """Every semantic check, all findings gathered (not stopping at the first)."""
    ctx = Context(model)
    found: list[Diagnostic] = []
    for name in CHECKS:
        module = importlib.import_module(f"erpgo_monctl.checks.{name}")
        found.extend(module.check(ctx))
    return sorted(set(found))
