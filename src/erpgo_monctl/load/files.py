"""YAML file -> plain data with source positions, hardened against hostile input.

Reading refuses huge and non-UTF-8 files with located diagnostics; the document is
then built from the parser's event stream by yaml_builder.Builder (no node tree, no
recursion), which enforces the depth and size limits while reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, UsageError
from erpgo_monctl.diagnostics.source import PathKey, Pos, SourceMap
from erpgo_monctl.load.yaml_builder import MAX_DEPTH, MAX_VALUES, Abort, Builder

MAX_FILE_BYTES = 16 * 1024 * 1024  # 800 times the whole ERPGo spec; N=1000 synthetic services is 6 MiB
__all__ = [
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "MAX_VALUES",
    "Loaded",
    "PathKey",
    "Pos",
    "SourceMap",
    "load_file",
    "load_text",
    "read_text",
]


@dataclass
class Loaded:
    data: Any
    source: SourceMap


def _diag(file: str, pos: Pos, code: str, message: str, path: str = "") -> Diagnostic:
    return Diagnostic(file, pos[0], pos[1], path, code, "error", message)


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
        raise MonctlError([_too_big(display, f"{size / 2**20:.1f} MiB")])
    try:
        with path.open("rb") as handle:  # bounded: /dev/zero or a growing pipe must not eat memory
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError([_diag(display, (0, 0), "E002", f"cannot read file: {exc.strerror}")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise MonctlError([_too_big(display, f"more than {MAX_FILE_BYTES // 2**20} MiB")])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_col(raw, exc.start)
        raise MonctlError(
            [
                _diag(
                    display,
                    (line, column),
                    "E003",
                    f"byte 0x{raw[exc.start]:02x} is not valid UTF-8: save the file as UTF-8",
                )
            ]
        ) from None


def _too_big(display: str, size: str) -> Diagnostic:
    return _diag(
        display,
        (1, 1),
        "E004",
        f"file is {size}; specs over {MAX_FILE_BYTES // 2**20} MiB are "
        "refused: split it into team files with `include:`",
    )


def _line_col(raw: bytes | str, offset: int) -> Pos:
    newline: Any = b"\n" if isinstance(raw, bytes) else "\n"
    before = raw[:offset]
    return before.count(newline) + 1, offset - (before.rfind(newline) + 1) + 1


def load_text(text: str, display: str) -> Loaded:
    """Build plain data plus a SourceMap from YAML text; raise located diagnostics."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    if text.startswith("\ufeff"):
        text = text[1:]
    pure = False
    while True:
        builder = Builder(SourceMap(display), pure)
        try:
            builder.feed(builder.events(text))
            break
        except MarkedYAMLError as exc:
            if not pure:
                # libyaml speaks YAML 1.1 and rejects some valid 1.2 (e.g. `[api:8080]`):
                # the pure-Python parser decides, and its error (if any) is the one reported.
                pure = True
                continue
            raise MonctlError([_syntax_error(exc, display)]) from None
        except Abort:
            raise MonctlError(builder.problems) from None
        except YAMLError as exc:
            raise MonctlError([_reader_error(exc, text, display, pure)]) from None
    if builder.problems:
        raise MonctlError(builder.problems)
    return Loaded(builder.root, builder.source)


def _syntax_error(exc: Any, display: str) -> Diagnostic:
    """E001 at the parser's mark, saying what construct it was reading and where that began."""
    mark = exc.problem_mark or exc.context_mark
    pos = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = exc.problem or exc.context or "invalid YAML"
    if "\\t" in problem or "\t" in problem:
        problem += ": indent with spaces, YAML does not allow tabs"
    context, start = exc.context, exc.context_mark
    elsewhere = start is not None and (start.line + 1, start.column + 1) != pos
    if exc.problem and context and elsewhere:
        problem += f" ({context} that starts at line {start.line + 1}, column {start.column + 1})"
    return _diag(display, pos, "E001", f"YAML syntax error: {problem}{_indentation_hint(exc, pos)}")


def _indentation_hint(exc: Any, pos: tuple[int, int]) -> str:
    """What to fix, in indentation terms, for the two ways libyaml reports a mis-indented line."""
    problem, start = exc.problem or "", exc.context_mark
    if "expected <block end>" in problem and start is not None and pos[1] != start.column + 1:
        return (
            f": line {pos[0]} is indented {pos[1] - 1} spaces, which lines up with no key above it "
            f"(the block from line {start.line + 1} starts at {start.column} spaces): indent it exactly "
            "like its sibling keys"
        )
    if problem == "mapping values are not allowed here":
        return (
            ": a key is indented deeper than the key above it (line it up with its siblings), "
            "or a plain value contains ': ' (quote the value)"
        )
    return ""


def _reader_error(exc: Any, text: str, display: str, pure: bool) -> Diagnostic:
    """A located diagnostic for a YAML error without a mark (bad characters)."""
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return _diag(display, (1, 1), "E001", f"YAML error: {exc}")
    if not pure:  # libyaml counts UTF-8 bytes, the pure reader counts characters
        position = len(text.encode("utf-8")[:position].decode("utf-8", "replace"))
    pos = _line_col(text, position)
    character = getattr(exc, "character", None)
    what = f"character U+{character:04X}" if isinstance(character, int) else "a character"
    reason = getattr(exc, "reason", "invalid")
    return _diag(
        display,
        pos,
        "E001",
        f"{what} is not allowed in YAML ({reason}): "
        "remove it or write it as an escape in a double-quoted string",
    )


def load_file(path: Path, display: str | None = None) -> Loaded:
    shown = display or str(path)
    return load_text(read_text(path, shown), shown)
