"""One matcher implementation for Alertmanager's matcher texts and PromQL's selectors."""

from __future__ import annotations

import pytest

from erpgo_monctl.analysis.matchers import (
    Matcher,
    compile_regex,
    from_promql,
    is_matcher,
    matches_all,
    parse_matcher,
)
from erpgo_monctl.analysis.promql import parse


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ('severity="critical"', Matcher("severity", "=", "critical")),
        (' service =~ "api|web" ', Matcher("service", "=~", "api|web")),
        ('team!=""', Matcher("team", "!=", "")),
        (r'msg!~"a\"b\\c\nd"', Matcher("msg", "!~", 'a"b\\c\nd')),
    ],
)
def test_alertmanager_matcher_texts_parse_and_unescape(text: str, parsed: Matcher) -> None:
    assert is_matcher(text)
    assert parse_matcher(text) == parsed


@pytest.mark.parametrize("text", ["severity=critical", 'severity=="x"', '1abc="x"', 'a="x" b="y"'])
def test_what_is_not_a_matcher_is_refused(text: str) -> None:
    assert not is_matcher(text)
    with pytest.raises(ValueError, match="is not a matcher"):
        parse_matcher(text)


@pytest.mark.parametrize(
    ("matcher", "labels", "expected"),
    [
        (Matcher("a", "=", "x"), {"a": "x"}, True),
        (Matcher("a", "=", ""), {}, True),  # an absent label is ""
        (Matcher("a", "!=", "x"), {}, True),
        (Matcher("a", "=~", "ap."), {"a": "api"}, True),
        (Matcher("a", "=~", "api"), {"a": "api-gateway"}, False),  # anchored
        (Matcher("a", "!~", "5.."), {"a": "500"}, False),
        (Matcher("a", "=~", "("), {"a": "("}, False),  # an invalid regex matches nothing
        (Matcher("a", "!~", "("), {"a": "("}, True),
    ],
)
def test_matching_follows_prometheus_and_alertmanager(
    matcher: Matcher, labels: dict[str, str], expected: bool
) -> None:
    assert matcher.matches(labels) is expected


def test_promql_selector_matchers_are_the_same_matchers() -> None:
    tree, _ = parse('x{code=~"5..", method!="GET", a="b", c!~"d"}')
    found = [from_promql(m) for m in tree.matchers.matchers]
    assert found == [
        Matcher("code", "=~", "5.."),
        Matcher("method", "!=", "GET"),
        Matcher("a", "=", "b"),
        Matcher("c", "!~", "d"),
    ]
    assert matches_all(found, {"code": "503", "method": "POST", "a": "b"})
    assert not matches_all(found, {"code": "503", "method": "GET", "a": "b"})


def test_regexes_compile_anchored_and_once() -> None:
    regex = compile_regex("a|b")
    assert regex is not None and regex.pattern == "^(?:a|b)$"
    assert compile_regex("a|b") is regex
    assert compile_regex("(") is None
