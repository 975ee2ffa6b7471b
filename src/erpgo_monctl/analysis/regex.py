"""Regular expressions as the servers compile them: RE2 syntax (Go's regexp), never Python's `re`.

Prometheus (PromQL matchers, relabelling), Alertmanager (route and inhibit matchers),
Loki, Promtail and Alloy (pipeline stages) all use Go's regexp package, which implements
RE2: no lookaround, no backreferences, repeats up to {1000}, but `\\pL`, `\\z` and
`(?P<name>...)`. Python's `re` disagrees both ways, so every check of a user's regex goes
through here and every evaluation (routing, SLO selectors) uses the same engine. The
google-re2 binding is the C++ RE2 that Go's package was written after; the two differ in
`\\C` (any byte, C++ only) and `(?<name>...)` (Go only since 1.22, newer than the servers
we check against), which are refused here explicitly.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # the C++ library would print every refused pattern to stderr
MAX_PATTERN = 10_000  # characters: a matcher is a short pattern, not a program


@lru_cache(maxsize=2048)
def re2_problem(pattern: str) -> str | None:
    """Why Go's regexp refuses `pattern`, or None when it compiles."""
    if len(pattern) > MAX_PATTERN:
        return f"the pattern is {len(pattern):,} characters (limit {MAX_PATTERN:,})"
    problem = _unsupported(pattern)
    if problem:
        return problem
    try:
        re2.compile(pattern, _OPTIONS)
    except re2.error as exc:
        message = exc.args[0] if exc.args else exc
        text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
        return f"not valid RE2 (the syntax of Go's regexp): {text}"
    return None


def _unsupported(pattern: str) -> str | None:
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            if pattern[index + 1] == "C":
                return r"not valid RE2 (the syntax of Go's regexp): invalid escape sequence: \C"
            index += 2
            continue
        if pattern.startswith("(?<", index) and pattern[index + 3 : index + 4] not in ("=", "!"):
            return "not valid RE2 (the syntax of Go's regexp): write a named group as (?P<name>...)"
        index += 1
    return None


@lru_cache(maxsize=2048)
def anchored(pattern: str) -> Any | None:
    """The compiled `^(?:pattern)$` the servers match label values with; None if it does not compile."""
    if re2_problem(pattern) is not None:
        return None
    return re2.compile(f"^(?:{pattern})$", _OPTIONS)


def full_match(pattern: str, text: str) -> bool:
    """Whether `text` matches the whole of `pattern` (False when the pattern does not compile)."""
    compiled = anchored(pattern)
    return compiled is not None and compiled.search(text) is not None


@lru_cache(maxsize=2048)
def _unanchored(pattern: str) -> Any | None:
    if re2_problem(pattern) is not None:
        return None
    return re2.compile(pattern, _OPTIONS)


def search(pattern: str, text: str) -> bool | None:
    """Whether `pattern` matches somewhere in `text`, as a JSON schema `pattern` the API server checks
    (Go's regexp, unanchored); None when it does not compile."""
    compiled = _unanchored(pattern)
    return None if compiled is None else compiled.search(text) is not None
