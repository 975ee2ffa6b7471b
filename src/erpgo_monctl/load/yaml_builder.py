"""YAML parser events -> plain data, source positions and located problems, without recursion.

The loader (load.py) feeds this builder libyaml's event stream one event at a time, so every
limit holds while reading: nesting depth (a 100 000-deep `[[[...` cannot exhaust the C stack),
the number of values and the characters of text with aliases expanded (a big file, an alias bomb
or one long string aliased many times stops early, in bounded memory); duplicate keys, custom
tags and merge keys become problems instead of crashes.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from erpgo_monctl.diagnostics import Diagnostic, format_path

if TYPE_CHECKING:
    from erpgo_monctl.diagnostics.source import PathKey, Pos, SourceMap

MAX_VALUES = 1_000_000  # values in one document, aliases expanded: a 16 MiB spec holds ~600,000
MAX_DEPTH = 64
# characters of scalar text (keys and values) in one document, aliases expanded: a spec's text is at
# most 16 MiB (E004), so this only stops aliases multiplying a big string (1 MiB aliased 800 times)
MAX_EXPANDED_CHARS = 32 * 1024 * 1024

_YAML = "tag:yaml.org,2002:"
_BOOL, _INT, _FLOAT, _NULL, _STR = (_YAML + t for t in ("bool", "int", "float", "null", "str"))
_MERGE = _YAML + "merge"
_TEXTUAL_TAGS = {_STR, _YAML + "timestamp", _YAML + "binary", _YAML + "value", "!"}
_COLLECTION_TAGS = {None, "!", _YAML + "map", _YAML + "seq"}
# Plain scalars whose first character is none of these are strings in YAML 1.2 (resolver fast path).
_MAYBE_TYPED_FIRST = set("tTfF-+0123456789.<~nN=!&*")


def _mark(event: Any) -> Pos:
    mark = event.start_mark
    return (mark.line + 1, mark.column + 1)


class Abort(Exception):
    """A limit was hit: stop reading, report the builder's problems."""


_NO_KEY = object()  # a mapping frame waiting for its next key
_DISCARD = object()  # the value that follows a rejected key is read and dropped


class _Frame:
    __slots__ = ("anchor", "chars_start", "count_start", "data", "key", "log_start", "path", "rejected_key")

    def __init__(
        self,
        data: list[Any] | dict[str, Any],
        path: PathKey,
        anchor: str | None,
        count_start: int,
        log_start: int,
        chars_start: int,
    ) -> None:
        self.data = data
        self.path = path
        self.anchor = anchor
        self.count_start = count_start
        self.chars_start = chars_start
        self.log_start = log_start
        self.key: Any = _NO_KEY
        self.rejected_key = False  # this collection is itself a mapping key (an error)


@dataclass
class _Anchor:
    data: Any
    count: int
    chars: int  # scalar characters inside the anchored value
    log: list[tuple[PathKey, Pos, bool]]  # positions inside the anchored value, relative to it


class Builder:
    """Consumes parser events; builds data, positions and problems iteratively."""

    def __init__(self, source: SourceMap, pure: bool) -> None:
        self.source = source
        self.pure = pure
        self.problems: list[Diagnostic] = []
        self.stack: list[_Frame] = []
        self.root: Any = None
        self.count = 0
        self.chars = 0  # scalar characters read, aliases expanded
        self.documents = 0
        self.anchors: dict[str, _Anchor] = {}
        self.open_anchors: list[str] = []  # a stack: one name may be re-anchored inside itself
        self.log: list[tuple[PathKey, Pos, bool]] = []  # positions, kept only inside anchored collections
        self.resolver: Any = None
        self.resolved: dict[tuple[str, Any], str] = {}  # plain scalar -> its resolved tag

    def events(self, text: str) -> Iterable[Any]:
        from ruamel.yaml import YAML

        yaml = YAML(typ="safe", pure=self.pure)
        self.resolver = yaml.resolver
        events: Iterable[Any] = yaml.parse(text)
        return events

    def feed(self, events: Iterable[Any]) -> None:
        from ruamel.yaml import events as ev

        scalar_event, mapping_start, sequence_start = (
            ev.ScalarEvent,
            ev.MappingStartEvent,
            ev.SequenceStartEvent,
        )
        collection_end = (ev.MappingEndEvent, ev.SequenceEndEvent)
        on_scalar = self._scalar
        for event in events:
            kind = type(event)
            if kind is scalar_event:
                on_scalar(event)
            elif kind is mapping_start:
                self._start(event, {})
            elif kind is sequence_start:
                self._start(event, [])
            elif kind in collection_end:
                self._end()
            elif kind is ev.AliasEvent:
                self._alias(event)
            elif kind is ev.DocumentStartEvent:
                self.documents += 1
                if self.documents > 1:
                    self._fail(
                        event,
                        "E001",
                        "a spec file holds one YAML document; remove this second "
                        "document (`---`) or move it into its own file",
                        (),
                    )
                    raise Abort

    # -- positions and problems ------------------------------------------------------------------

    def _fail(self, event: Any, code: str, message: str, path: PathKey) -> None:
        line, column = _mark(event)
        self.problems.append(
            Diagnostic(self.source.file, line, column, format_path(path), code, "error", message)
        )

    def _count(self, event: Any, path: PathKey, amount: int = 1) -> None:
        self.count += amount
        if self.count > MAX_VALUES:
            self._fail(
                event,
                "E005",
                f"document holds more than {MAX_VALUES:,} values (with aliases expanded; "
                "an alias bomb?): remove repeated aliases or split the spec with include:",
                path,
            )
            raise Abort

    def _grow(self, event: Any, path: PathKey, chars: int) -> None:
        self.chars += chars
        if self.chars > MAX_EXPANDED_CHARS:
            self._fail(
                event,
                "E005",
                f"document expands to more than {MAX_EXPANDED_CHARS // (1024 * 1024)} MiB of text with "
                "aliases expanded (a long value aliased many times?): write the value once, "
                "or shorten it",
                path,
            )
            raise Abort

    def _record(self, path: PathKey, pos: Pos, is_key: bool) -> None:
        table = self.source.keys if is_key else self.source.values
        table.setdefault(path, pos)
        if self.open_anchors:
            self.log.append((path, pos, is_key))

    def _next_path(self) -> PathKey:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.data, list):
            return (*top.path, len(top.data))
        return (*top.path, top.key if isinstance(top.key, str) else "<key>")

    # -- events ----------------------------------------------------------------------------------

    def _start(self, event: Any, data: list[Any] | dict[str, Any]) -> None:
        path = self._next_path()
        if len(self.stack) >= MAX_DEPTH:
            self._fail(event, "E005", f"structure nested too deeply (more than {MAX_DEPTH} levels)", path)
            raise Abort
        self._count(event, path)
        is_key = bool(self.stack) and isinstance(self.stack[-1].data, dict) and self.stack[-1].key is _NO_KEY
        if not is_key:
            self._record(path, _mark(event), False)
        if event.tag not in _COLLECTION_TAGS:
            self._fail(event, "E006", f"custom YAML tag {event.tag!r} is not supported: remove the tag", path)
        anchor = event.anchor
        if anchor is not None:
            self.open_anchors.append(anchor)
        frame = _Frame(data, path, anchor, self.count, len(self.log), self.chars)
        frame.rejected_key = is_key
        if is_key:
            self._fail(event, "E006", "mapping keys must be plain strings", self.stack[-1].path)
        self.stack.append(frame)

    def _end(self) -> None:
        frame = self.stack.pop()
        if frame.anchor is not None:
            self.open_anchors.remove(frame.anchor)
            depth = len(frame.path)
            relative = [(p[depth:], pos, k) for p, pos, k in self.log[frame.log_start :]]
            self.anchors[frame.anchor] = _Anchor(
                frame.data, self.count - frame.count_start + 1, self.chars - frame.chars_start, relative
            )
            if not self.open_anchors:
                self.log.clear()
        if frame.rejected_key:
            self.stack[-1].key = _DISCARD
            return
        self._place(frame.data)

    def _place(self, value: Any) -> None:
        if not self.stack:
            self.root = value
            return
        top = self.stack[-1]
        if isinstance(top.data, list):
            top.data.append(value)
            return
        if top.key is not _DISCARD:
            top.data[top.key] = value
        top.key = _NO_KEY

    def _alias(self, event: Any) -> None:
        path = self._next_path()
        name = event.anchor
        if name in self.open_anchors:
            self._fail(event, "E005", "recursive alias: a node cannot contain itself", path)
            raise Abort
        anchor = self.anchors.get(name)
        if anchor is None:
            self._fail(event, "E001", f"YAML syntax error: found undefined alias {name!r}", path)
            raise Abort
        self._count(event, path, anchor.count)
        self._grow(event, path, anchor.chars)
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.data, dict) and top.key is _NO_KEY:
            self._fail(event, "E006", "mapping keys must be plain strings, not aliases", top.path)
            top.key = _DISCARD
            return
        self._record(path, _mark(event), False)
        for relative, pos, is_key in anchor.log:
            self._record((*path, *relative), pos, is_key)
        value = anchor.data
        self._place(copy.deepcopy(value) if isinstance(value, list | dict) else value)

    def _scalar(self, event: Any) -> None:
        # The hot path (half a million calls for a large spec): _next_path, _count, _record,
        # _mark, _tag and _place inlined; frames only ever hold the builder's own dict or list.
        stack = self.stack
        top = stack[-1] if stack else None
        if top is None:
            path: PathKey = ()
        elif type(top.data) is dict:
            if top.key is _NO_KEY:
                self._key(top, event)
                return
            path = (*top.path, top.key if isinstance(top.key, str) else "<key>")
        else:
            path = (*top.path, len(top.data))
        self.count += 1
        if self.count > MAX_VALUES:
            self.count -= 1
            self._count(event, path)
        mark = event.start_mark
        pos = (mark.line + 1, mark.column + 1)
        self.source.values.setdefault(path, pos)
        if self.open_anchors:
            self.log.append((path, pos, False))
        text = event.value
        self.chars += len(text)
        if self.chars > MAX_EXPANDED_CHARS:
            self.chars -= len(text)
            self._grow(event, path, len(text))
        if event.tag is None and (not event.implicit[0] or (text and text[0] not in _MAYBE_TYPED_FIRST)):
            value = text  # quoted, block or plainly textual: a string (what _convert would return)
        else:
            value = self._convert(event, path)
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(value, 1, len(text), [])
        if top is None:
            self.root = value
        elif type(top.data) is list:
            top.data.append(value)
        else:
            if top.key is not _DISCARD:
                top.data[top.key] = value
            top.key = _NO_KEY

    def _key(self, frame: _Frame, event: Any) -> None:
        key = str(event.value)
        child = (*frame.path, key)
        if event.tag is None and event.implicit[0] and key == "<<":
            self._fail(
                event, "E005", "YAML merge keys (<<) are not supported: write the keys out", frame.path
            )
            frame.key = _DISCARD
            return
        if key in frame.data:
            first = self.source.keys.get(child, (0, 0))
            self._fail(
                event,
                "E006",
                f"duplicate key {key!r} (first defined at line {first[0]}): "
                "YAML keeps only the last one; remove one of them",
                child,
            )
            frame.key = _DISCARD
            return
        self._record(child, _mark(event), True)
        self._grow(event, child, len(key))
        frame.key = key
        if event.anchor is not None:
            self.anchors[event.anchor] = _Anchor(key, 1, len(key), [])

    def _tag(self, event: Any) -> str:
        if event.tag is not None:
            return str(event.tag)
        if not event.implicit[0]:
            return _STR  # quoted or block scalar
        value = event.value
        if value and value[0] not in _MAYBE_TYPED_FIRST:
            return _STR
        key = (value, event.implicit)
        tag = self.resolved.get(key)
        if tag is None:  # one document, one YAML version: the same plain text always resolves alike
            from ruamel.yaml.nodes import ScalarNode

            tag = self.resolved[key] = str(self.resolver.resolve(ScalarNode, value, event.implicit))
        return tag

    def _convert(self, event: Any, path: PathKey) -> Any:
        tag, text = self._tag(event), event.value
        if tag in _TEXTUAL_TAGS or tag == _MERGE:
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() in ("true", "yes", "on", "y")
        if tag == _INT:
            return _to_int(text)
        if tag == _FLOAT:
            return _to_float(text)
        self._fail(event, "E006", f"custom YAML tag {tag!r} is not supported: remove the tag", path)
        return text


def _to_int(text: str) -> int | str:
    cleaned = text.replace("_", "")
    sign = -1 if cleaned.startswith("-") else 1
    digits = cleaned.lstrip("+-")
    try:
        if digits[:2].lower() in ("0x", "0o", "0b"):
            return sign * int(digits, 0)
        return sign * int(digits)  # YAML 1.2: a leading zero is decimal (017 == 17)
    except ValueError:
        return text  # e.g. more digits than Python converts: pydantic reports the string


def _to_float(text: str) -> float | str:
    lowered = text.lower().replace("_", "")
    if lowered.lstrip("+-") in (".inf", ".nan"):
        value = math.inf if "inf" in lowered else math.nan
        return -value if lowered.startswith("-") else value
    try:
        return float(lowered)
    except ValueError:
        return text
