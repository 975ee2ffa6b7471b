"""What every importer shares: the source documents with positions, the findings, where items came from.

Each input document keeps the loader's SourceMap, so a finding about any key of an
existing configuration is located at its file:line:col like the spec's own diagnostics,
and each item written into the spec remembers the line it came from (for the comment
above it, and to move validation errors of the written spec back onto the input).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erpgo_monctl.diagnostics import Diagnostic, Severity
from erpgo_monctl.diagnostics.source import PathKey, SourceMap
from erpgo_monctl.render.yaml_encoder import Commented

# Codes of `monctl import` (documented in docs/import.md).
NOT_RECOGNISED = "I001"  # a file whose kind cannot be told from its content
BAD_SHAPE = "I002"  # a value of the wrong type where the source format wants another
UNKNOWN_KEY = "I003"  # a key the source format does not have (its own tool refuses it)
MISSING_FILE = "I004"  # rule_files entry that names no file
NOT_CARRIED = "I010"  # a known feature the spec cannot hold (yet): reported, not dropped
DEPRECATED = "I011"  # a deprecated form converted to its modern spelling
SECRET = "I012"  # a plain-text secret replaced by a *_file reference
CHANGED = "I013"  # carried over with a visible change in the output (name, label, port)
ADDED = "I014"  # something the spec requires that the input lacked, filled in


@dataclass
class Document:
    """One YAML document of an input file: its data, positions and which one it is."""

    path: Path
    display: str
    data: Any
    source: SourceMap
    index: int = 0  # position in a multi-document file

    def where(self, path: PathKey, *, key: bool = False) -> tuple[str, int, int]:
        return self.source.where(path, key=key)

    def origin(self, path: PathKey) -> str:
        file, line, _ = self.where(path)
        return f"{file}:{line}"


@dataclass
class Findings:
    """Every located finding of one import run, in the order found."""

    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self, doc: Document, path: PathKey, code: str, severity: Severity, message: str, *, key: bool = False
    ) -> None:
        file, line, column = doc.where(path, key=key)
        self.items.append(Diagnostic(file, line, column, _format(path), code, severity, message))

    def lost(self, doc: Document, path: PathKey, reason: str) -> None:
        """An item or key that is not in the written spec: exit 1, never silent."""
        self.add(doc, path, NOT_CARRIED, "error", f"not carried over: {reason}", key=True)

    def changed(self, doc: Document, path: PathKey, message: str) -> None:
        self.add(doc, path, CHANGED, "error", message)

    def deprecated(self, doc: Document, path: PathKey, message: str) -> None:
        self.add(doc, path, DEPRECATED, "warning", message, key=True)

    def added(self, doc: Document, path: PathKey, message: str) -> None:
        self.add(doc, path, ADDED, "warning", message)

    def secret(self, doc: Document, path: PathKey, field_name: str, file_name: str) -> None:
        self.add(
            doc,
            path,
            SECRET,
            "warning",
            f"plain-text secret not copied: the spec reads it from the file `{file_name}` "
            f"({field_name}); create secrets/{file_name} holding the value, mode 0600",
            key=True,
        )


def _format(path: PathKey) -> str:
    from erpgo_monctl.diagnostics import format_path

    return format_path(path)


def check_keys(
    found: Findings,
    doc: Document,
    path: PathKey,
    value: Any,
    known: Iterable[str],
    what: str,
) -> dict[str, Any]:
    """`value` as a mapping; unknown keys are located I003 errors with a did-you-mean."""
    if not isinstance(value, dict):
        found.add(doc, path, BAD_SHAPE, "error", f"{what} must be a mapping, found {_kind(value)}")
        return {}
    names = list(known)
    for key in value:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            found.add(
                doc,
                (*path, key),
                UNKNOWN_KEY,
                "error",
                f"unknown key '{key}' in {what} (its own tool refuses it){hint}",
                key=True,
            )
    return value


def as_list(found: Findings, doc: Document, path: PathKey, value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        found.add(doc, path, BAD_SHAPE, "error", f"{what} must be a list, found {_kind(value)}")
        return []
    return value


def as_str(found: Findings, doc: Document, path: PathKey, value: Any, what: str) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, dict | list):
        found.add(doc, path, BAD_SHAPE, "error", f"{what} must be a string, found {_kind(value)}")
        return None
    return str(value)


def _kind(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {dict: "a mapping", list: "a list", bool: "a boolean", str: "a string"}.get(
        type(value), f"{type(value).__name__} {value!r}"
    )


def item(data: dict[str, Any], doc: Document, path: PathKey, note: str = "") -> Commented:
    """A spec item that says where it came from (`# from FILE:LINE`)."""
    result = Commented(data)
    result.comment = f"from {doc.origin(path)}" + (f" ({note})" if note else "")
    return result


_SLUG_BAD = re.compile(r"[^a-z0-9-]+")


def slug(text: str) -> str:
    """A spec slug ([a-z][a-z0-9-]*) for a name written in another convention."""
    cleaned = _SLUG_BAD.sub("-", text.lower()).strip("-")
    if not cleaned or not cleaned[0].isalpha():
        cleaned = "x-" + cleaned
    return re.sub("-+", "-", cleaned)
