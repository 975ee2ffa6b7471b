"""Every Alertmanager matcher spelling becomes the spec's quoted form, and reads back the same."""

from __future__ import annotations

import pytest

from erpgo_monctl.analysis.matchers import Matcher, parse_matcher
from erpgo_monctl.importer.matchers import from_match_maps, matcher, parse_matchers


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("severity=critical", [("severity", "=", "critical")]),
        ('severity = "critical"', [("severity", "=", "critical")]),
        ('{a="b", c=~"d|e"}', [("a", "=", "b"), ("c", "=~", "d|e")]),
        ('msg!~"say \\"hi\\""', [("msg", "!~", 'say "hi"')]),
        ("not a matcher", None),
    ],
)
def test_parse_matchers(text: str, parsed: list[tuple[str, str, str]] | None) -> None:
    assert parse_matchers(text) == parsed


@pytest.mark.parametrize("value", ["plain", 'with "quotes"', "back\\slash", "two\nlines", "a|b.*"])
def test_quoted_matchers_read_back_exactly(value: str) -> None:
    assert parse_matcher(matcher("label", "=~", value)) == Matcher("label", "=~", value)


def test_match_maps_equality_then_regex() -> None:
    assert from_match_maps({"a": "b"}, {"c": "d|e"}) == ['a="b"', 'c=~"d|e"']
