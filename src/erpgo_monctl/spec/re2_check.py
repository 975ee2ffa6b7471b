"""The one place scrape/probe regexes are judged (relabel `regex`, blackbox body matchers).

Until `analysis.regex` (RE2 semantics through google-re2) lands, this approximates RE2 with
Python's `re` plus RE2's refusals of Perl-only syntax (lookaround, backreferences, possessive
and atomic groups, conditionals) and its repeat limit of 1000. Switch `regex_problem` to the
shared analysis module when it exists; every caller goes through this function.
"""

from __future__ import annotations

import re

_PERL_ONLY = (
    (re.compile(r"\(\?<?[=!]"), "lookaround assertions ((?=, (?!, (?<=, (?<!) are not supported by RE2"),
    (re.compile(r"(?<!\\)\\[1-9]"), "backreferences (\\1) are not supported by RE2"),
    (re.compile(r"\(\?>"), "atomic groups (?>...) are not supported by RE2"),
    (re.compile(r"\(\?\("), "conditionals (?(...)...) are not supported by RE2"),
    (re.compile(r"[*+?}]\+"), "possessive quantifiers (*+, ++) are not supported by RE2"),
    (re.compile(r"\(\?P?<[A-Za-z_]\w*>|\(\?P[=>]"), ""),  # named groups: checked below
)
_REPEAT_RE = re.compile(r"(?<!\\)\{(\d+)(?:,(\d*))?\}")


def regex_problem(text: str) -> str | None:
    """Why RE2 would refuse `text`, or None when it compiles."""
    for pattern, message in _PERL_ONLY:
        if message and pattern.search(text):
            return message
    if re.search(r"\(\?P[=>]", text):
        return "named backreferences are not supported by RE2"
    for found in _REPEAT_RE.finditer(text):
        numbers = [int(n) for n in found.groups() if n]
        if any(n > 1000 for n in numbers):
            return "a repeat count above 1000 is not supported by RE2"
    try:
        re.compile(text)
    except re.error as exc:
        return str(exc)
    return None
