"""What a check reads: the resolved model and a way to locate spec paths."""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.diagnostics import Diagnostic, Severity, format_path
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model


@dataclass(frozen=True)
class Context:
    """The model under check."""

    model: Model

    def diag(
        self, path: PathKey, code: str, message: str, severity: Severity = "error", *, key: bool = False
    ) -> Diagnostic:
        source = self.model.source
        file, line, col = source.where(path, key=key) if source else ("<spec>", 0, 0)
        return Diagnostic(file, line, col, format_path(path), code, severity, message)
