"""Alertmanager matchers in every spelling -> the spec's quoted `label="value"` form.

Alertmanager accepts `severity=critical`, `severity="critical"`, `{a="b", c=~"d"}` in
`matchers:`, and the deprecated `match:` / `match_re:` maps (equality and regex). The
spec writes one quoted matcher per string, which `spec.alertmanager.MATCHER_RE` reads.
"""

from __future__ import annotations

import json
import re
from typing import Any

_MATCHER = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*"|[^",]*?)\s*(?:,|$)')


def quote(value: str) -> str:
    """A value as Alertmanager's parser and the spec both read it back."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def matcher(label: str, op: str, value: str) -> str:
    return f"{label}{op}{quote(value)}"


def parse_matchers(text: str) -> list[tuple[str, str, str]] | None:
    """(label, op, value) for each matcher of one `matchers:` entry; None when it is not one."""
    body = text.strip()
    if body.startswith("{") and body.endswith("}"):
        body = body[1:-1]
    found: list[tuple[str, str, str]] = []
    position = 0
    while position < len(body):
        if not body[position:].strip():
            break
        hit = _MATCHER.match(body, position)
        if hit is None or hit.end() == position:
            return None
        label, op, raw = hit.groups()
        if raw.startswith('"'):
            try:
                value = json.loads(raw)
            except ValueError:
                return None
        else:
            value = raw.strip()
        found.append((label, op, str(value)))
        position = hit.end()
    return found or None


def from_match_maps(match: Any, match_re: Any) -> list[str]:
    """The deprecated `match` (equality) and `match_re` (regex) maps as matcher strings, in key order."""
    out = [matcher(str(k), "=", "" if v is None else str(v)) for k, v in (match or {}).items()]
    out += [matcher(str(k), "=~", "" if v is None else str(v)) for k, v in (match_re or {}).items()]
    return out
