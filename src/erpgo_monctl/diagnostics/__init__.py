"""Diagnostics and the one exception type every stage raises.

Every problem carries a location (file:line:col) and a spec path, and is
gathered with its siblings so that a spec's mistakes are reported together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One located finding: `file:line:col: severity[code]: path: message`."""

    file: str
    line: int
    column: int
    path: str
    code: str
    severity: Severity
    message: str

    def as_text(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        path = f"{self.path}: " if self.path else ""
        return f"{where}: {self.severity}[{self.code}]: {path}{self.message}"


def format_path(parts: Iterable[str | int]) -> str:
    """Render a location tuple as `alerts[0].rules[3].for`."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


class MonctlError(Exception):
    """A failure the user can act on; carries located diagnostics, never a traceback."""

    exit_code = 1

    def __init__(self, diagnostics: list[Diagnostic] | str, code: str = "E000") -> None:
        """A message alone gets `code` (E000, an internal bug, unless the caller names the problem)."""
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic("<monctl>", 0, 0, "", code, "error", diagnostics)]
        self.diagnostics = sorted(diagnostics)
        super().__init__("\n".join(d.as_text() for d in self.diagnostics))


class UsageError(MonctlError):
    """Bad flags or a missing file: exit code 2 per the contract."""

    exit_code = 2


class ToolMissingError(MonctlError):
    """An external checker binary is not installed: exit code 3."""

    exit_code = 3
