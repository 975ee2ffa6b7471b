"""Where every value and key of a JSON document stands, so a check of a rendered JSON file
(a Grafana dashboard under `monctl check`) reports file:line:col instead of line 1.

Python's json module gives no positions; this walks the text's tokens once, keeping a
stack of the containers it is in (no recursion, so no depth limit beyond json.loads' own).
It expects text json.loads accepted; on anything else it stops and keeps what it found.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass

from erpgo_monctl.diagnostics.source import PathKey, Pos, SourceMap

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|[^\s{}\[\],:"]+')


@dataclass
class _Frame:
    path: PathKey
    is_object: bool
    index: int = 0  # next item of an array
    key: str | None = None  # key of the value an object awaits (None: awaiting a key)


def json_source(text: str, file: str) -> SourceMap:
    """The SourceMap of a JSON document: values and object keys at their (1-based) line and column."""
    source = SourceMap(file)
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def pos(offset: int) -> Pos:
        line = bisect.bisect_right(starts, offset)
        return line, offset - starts[line - 1] + 1

    stack: list[_Frame] = []

    def here() -> PathKey | None:
        if not stack:
            return ()
        top = stack[-1]
        if top.is_object:
            return (*top.path, top.key) if top.key is not None else None
        return (*top.path, top.index)

    for match in _TOKEN.finditer(text):
        token = match.group()
        top = stack[-1] if stack else None
        if token in ",:":
            if top is not None and token == "," and not top.is_object:
                top.index += 1
            elif top is not None and token == ",":
                top.key = None
            continue
        if token in "]}":
            if stack:
                stack.pop()
            continue
        if top is not None and top.is_object and top.key is None:  # a key
            if not token.startswith('"'):
                break
            top.key = str(json.loads(token))
            source.keys[(*top.path, top.key)] = pos(match.start())
            continue
        path = here()
        if path is None:
            break
        source.values[path] = pos(match.start())
        if token in "[{":
            stack.append(_Frame(path, token == "{"))
    return source
