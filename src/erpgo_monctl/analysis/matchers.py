"""Label matchers, the one implementation: Alertmanager's `label="value"` text and PromQL's `{label=~"re"}`.

Both systems mean the same thing by a matcher: `=`, `!=`, `=~`, `!~`; a regex is
anchored (`^(?:re)$`); an absent label has the value "" (so `team=""` selects
series or alerts without `team`). The route-tree evaluator, the routing and
inhibition checks and the synthesised SLO test inputs all evaluate matchers here,
with RE2 semantics (analysis/regex.py), as both servers compile regexes with Go's regexp.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

from erpgo_monctl.analysis.regex import anchored, re2_problem

Op = Literal["=", "!=", "=~", "!~"]
# Alertmanager's modern matcher syntax, as monctl accepts it: a label name, an operator, a quoted value.
MATCHER_RE = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"\s*')
_OPS: dict[str, Op] = {"=": "=", "!=": "!=", "=~": "=~", "!~": "!~"}
# promql_parser.MatchOp member names -> operators
_PROMQL_OPS: dict[str, Op] = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}


def compile_regex(pattern: str) -> Any | None:
    """The anchored RE2 regex a `=~`/`!~` value means; None if Go's regexp would refuse it."""
    return anchored(pattern)


def regex_problem(pattern: str) -> str | None:
    """Why Alertmanager or Prometheus refuses a `=~`/`!~` value (Go's RE2), or None."""
    return re2_problem(pattern)


@dataclass(frozen=True)
class Matcher:
    """One label matcher: `label op "value"`."""

    label: str
    op: Op
    value: str

    @property
    def is_regex(self) -> bool:
        return self.op in ("=~", "!~")

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Whether a label set passes this matcher; an invalid regex matches nothing (`!~` everything)."""
        actual = labels.get(self.label, "")
        if self.op == "=":
            return actual == self.value
        if self.op == "!=":
            return actual != self.value
        regex = compile_regex(self.value)
        found = regex is not None and regex.search(actual) is not None
        return found if self.op == "=~" else not found


def is_matcher(text: str) -> bool:
    """Whether `text` is a matcher in Alertmanager's `label="value"` syntax."""
    return MATCHER_RE.fullmatch(text) is not None


@lru_cache(maxsize=1024)
def parse_matcher(text: str) -> Matcher:
    """The Matcher a `label="value"` text says; ValueError when it is not one (check with is_matcher)."""
    found = MATCHER_RE.fullmatch(text)
    if found is None:
        raise ValueError(f"{text!r} is not a matcher")
    label, op, raw = found.groups()
    return Matcher(label, _OPS[op], _unescape(raw))


def _unescape(raw: str) -> str:
    """Undo the escapes a quoted matcher value may hold (\\\\, \\", \\n), leaving other text as written."""
    return re.sub(r'\\([\\"n])', lambda m: "\n" if m.group(1) == "n" else m.group(1), raw)


def from_promql(matcher: Any) -> Matcher:
    """The Matcher of one promql_parser label matcher (a selector's `matchers.matchers` item)."""
    return Matcher(str(matcher.name), _PROMQL_OPS[str(matcher.op).rsplit(".", 1)[-1]], str(matcher.value))


def matches_all(matchers: Iterable[Matcher], labels: Mapping[str, str]) -> bool:
    """Whether a label set passes every matcher (what a selector, route or inhibit side means)."""
    return all(matcher.matches(labels) for matcher in matchers)
