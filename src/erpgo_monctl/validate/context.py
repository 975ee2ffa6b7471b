"""What a check reads: the resolved model and a way to locate spec paths."""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.diagnostics import Diagnostic, Severity
from erpgo_monctl.diagnostics.source import Locator, PathKey
from erpgo_monctl.resolve.model import Model


@dataclass(frozen=True)
class Context:
    """The model under check."""

    model: Model

    def diag(
        self, path: PathKey, code: str, message: str, severity: Severity = "error", *, key: bool = False
    ) -> Diagnostic:
        return Locator(self.model.source).diag(path, code, message, severity, key=key)
