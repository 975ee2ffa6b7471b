"""YAML -> plain data with source positions, hardened against hostile input.

Uses ruamel.yaml's C composer (`typ="safe", pure=False`): node trees with
line/column marks about ten times faster than the round-trip loader. The
conversion to plain data is our own, so that duplicate keys, alias bombs,
deep nesting and custom tags become located diagnostics instead of crashes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erpgo_monctl.errors import Diagnostic, MonctlError, UsageError

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_VALUES = 2_000_000  # bound on values in one document
MAX_ALIAS_REUSES = 10_000  # bound on collections re-expanded through aliases (alias bombs)
MAX_DEPTH = 64

Pos = tuple[int, int]
PathKey = tuple[str | int, ...]

_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_TEXTUAL_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary", _STR}


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document stands in its file."""

    file: str
    values: dict[PathKey, Pos] = field(default_factory=dict)
    keys: dict[PathKey, Pos] = field(default_factory=dict)

    def locate(self, path: PathKey, *, key: bool = False) -> Pos:
        """The position of `path`, or of its nearest ancestor that has one."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return table[probe]
            if key and probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), (1, 1))


@dataclass
class Loaded:
    data: Any
    source: SourceMap


def _diag(file: str, pos: Pos, code: str, message: str, path: str = "") -> Diagnostic:
    return Diagnostic(file, pos[0], pos[1], path, code, "error", message)


def _mark(node: Any) -> Pos:
    mark = node.start_mark
    return (mark.line + 1, mark.column + 1)


def read_text(path: Path, display: str) -> str:
    """Read a spec file as UTF-8, refusing huge files and locating bad bytes."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UsageError([_diag(display, (0, 0), "E002", "file not found")]) from None
    except OSError as exc:
        raise UsageError([_diag(display, (0, 0), "E002", f"cannot read file: {exc.strerror}")]) from None
    if path.is_dir():
        raise UsageError([_diag(display, (0, 0), "E002", "is a directory, expected a YAML spec file")])
    if size > MAX_FILE_BYTES:
        raise MonctlError([_diag(display, (1, 1), "E004",
                                 f"file is {size / 2**20:.1f} MiB; specs over {MAX_FILE_BYTES // 2**20} MiB "
                                 "are refused: split it into team files with `include:`")])
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise MonctlError([_diag(display, (line, column), "E003",
                                 f"byte 0x{raw[exc.start]:02x} is not valid UTF-8: save the file as UTF-8")]) from None


def load_text(text: str, display: str) -> Loaded:
    """Compose YAML text into plain data plus a SourceMap; raise located diagnostics."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        try:
            node = YAML(typ="safe", pure=False).compose(text)
        except MarkedYAMLError:
            # libyaml speaks YAML 1.1 and rejects some valid 1.2 (e.g. `[api:8080]`):
            # the pure composer decides, and its error (if any) is the one reported.
            node = YAML(typ="safe", pure=True).compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise MonctlError([_diag(display, pos, "E001", f"YAML syntax error: {problem}")]) from None
    except RecursionError:
        raise MonctlError([_diag(display, (1, 1), "E005",
                                 f"structure nested too deeply (more than {MAX_DEPTH} levels)")]) from None
    except YAMLError as exc:
        raise MonctlError([_diag(display, (1, 1), "E001", f"YAML error: {exc}")]) from None
    source = SourceMap(display)
    if node is None:
        return Loaded(None, source)
    converter = _Converter(source)
    data = converter.convert(node, (), 0)
    if converter.problems:
        raise MonctlError(converter.problems)
    return Loaded(data, source)


def load_file(path: Path, display: str | None = None) -> Loaded:
    shown = display or str(path)
    return load_text(read_text(path, shown), shown)


class _Converter:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.count = 0
        self.problems: list[Diagnostic] = []
        self.active: set[int] = set()
        self.expanded: set[int] = set()
        self.alias_reuses = 0

    def _fail(self, node: Any, code: str, message: str, path: PathKey) -> None:
        from erpgo_monctl.errors import format_path

        self.problems.append(_diag(self.source.file, _mark(node), code, message, format_path(path)))

    def convert(self, node: Any, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            if self.count == MAX_VALUES + 1:
                self._fail(node, "E005", f"document expands to more than {MAX_VALUES:,} values "
                           "(an alias bomb?): remove the repeated aliases", path)
            return None
        if depth > MAX_DEPTH:
            self._fail(node, "E005", f"structure nested too deeply (more than {MAX_DEPTH} levels)", path)
            return None
        self.source.values.setdefault(path, _mark(node))
        kind = node.id
        if kind == "scalar":
            return self._scalar(node, path)
        if id(node) in self.active:
            self._fail(node, "E005", "recursive alias: a node cannot contain itself", path)
            return None
        if id(node) in self.expanded:
            self.alias_reuses += 1
            if self.alias_reuses > MAX_ALIAS_REUSES:
                self.count = MAX_VALUES + 2  # stop expanding anything else
                self._fail(node, "E005", f"aliases re-expand collections more than {MAX_ALIAS_REUSES:,} "
                           "times (an alias bomb?): write the values out or use include:", path)
                return None
        self.expanded.add(id(node))
        self.active.add(id(node))
        try:
            if kind == "sequence":
                return [self.convert(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
            return self._mapping(node, path, depth)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: Any, path: PathKey, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self._fail(key_node, "E005", "YAML merge keys (<<) are not supported: write the keys out", path)
                continue
            if key_node.id != "scalar":
                self._fail(key_node, "E006", "mapping keys must be plain strings", path)
                continue
            key = str(key_node.value)
            child = (*path, key)
            if key in result:
                first = self.source.keys.get(child, (0, 0))
                self._fail(key_node, "E006", f"duplicate key {key!r} (first defined at line {first[0]}): "
                           "YAML keeps only the last one; remove one of them", child)
                continue
            self.source.keys[child] = _mark(key_node)
            result[key] = self.convert(value_node, child, depth + 1)
        return result

    def _scalar(self, node: Any, path: PathKey) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR or tag in _TEXTUAL_TAGS:
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() in ("true", "yes", "on")
        if tag == _INT:
            cleaned = text.replace("_", "")
            try:
                return int(cleaned, 0) if not cleaned.lstrip("+-").isdigit() else int(cleaned)
            except ValueError:
                return text
        if tag == _FLOAT:
            lowered = text.lower()
            if lowered.lstrip("+-") in (".inf", ".nan"):
                value = math.inf if "inf" in lowered else math.nan
                return -value if lowered.startswith("-") else value
            try:
                return float(text.replace("_", ""))
            except ValueError:
                return text
        self._fail(node, "E006", f"custom YAML tag {tag!r} is not supported: remove the tag", path)
        return text
