"""AST facts: filters (with recording rules), constants, selector names."""

from __future__ import annotations

import promql_parser
import pytest

from erpgo_monctl.analysis.promql_ast import constant, is_filter, normalise, selector_name


def parse(text: str) -> object:
    return promql_parser.parse(text)


def no_records(name: str) -> None:
    return None


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("up == 0", True),
        ("absent(up)", True),
        ("sum(x > 1)", True),
        ("x and y", True),
        ("x unless y", True),
        ("rate(x[5m]) * 60 > 10", True),
        ("(a > 1) or (b < 2)", True),
        ("x", False),
        ("x > bool 1", False),
        ("vector(1)", False),
        ("(a > 1) or b", False),
        ("sum(rate(x[5m]))", False),
        ("job:x:rate5m", None),
    ],
)
def test_is_filter(expr: str, expected: bool | None) -> None:
    assert is_filter(parse(expr), no_records) is expected


def test_is_filter_follows_recording_rules() -> None:
    recorded = {
        "job:errors:alert": parse("sum by (job) (rate(e[5m])) > 1"),
        "job:errors:rate5m": parse("rate(e[5m])"),
    }
    assert is_filter(parse("job:errors:alert"), recorded.get) is True
    assert is_filter(parse("job:errors:rate5m"), recorded.get) is False


def test_constant_folds_arithmetic_and_rejects_vectors() -> None:
    assert constant(parse("24*60*60")) == 86400
    assert constant(parse("-(1 + 2)")) == -3
    assert constant(parse("x * 2")) is None


def test_selector_name_reads_the_name_matcher() -> None:
    assert selector_name(parse('{__name__="up", job="x"}')) == "up"
    assert selector_name(parse('{job="x"}')) is None


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("sum by (job) (rate(x_total[5m]))", "sum by(job)(rate( x_total[300s] ))"),
        ("((sum by (b, a) (rate(x{z='1', a=~'2'}[5m]))))", 'sum by (a, b) (rate(x{a=~"2", z="1"}[5m]))'),
        ("a / on (b, c) group_left (e, d) y", "a / on (c, b) group_left (d, e) (y)"),
        ('{__name__="x", job="a"}', 'x{job="a"}'),
        ('x{a="1" or b="2"}', 'x{b="2" or a="1"}'),
        ("max_over_time(x[1h:5m] offset 1m)", "max_over_time((x)[60m:300s] offset 60s)"),
        ("-(x)", "- x"),
    ],
)
def test_normalise_ignores_spacing_parentheses_and_label_order(one: str, other: str) -> None:
    assert normalise(parse(one)) == normalise(parse(other))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("(a + b) * c", "a + b * c"),
        ("a - b - c", "a - (b - c)"),
        ("a > bool 1", "a > 1"),
        ("a or b", "b or a"),  # operands keep their order: `or` prefers the left side's series
        ("x offset 5m", "x"),
        ('count_values("a", x)', 'count_values("b", x)'),
        ("a / on (b) c", "a / ignoring (b) c"),
        ("a / on (b) group_left c", "a / on (b) group_right c"),
        ('x{a="1"}', 'x{a!="1"}'),
        ("sum by (a) (x)", "sum without (a) (x)"),
    ],
)
def test_normalise_keeps_what_changes_the_result(one: str, other: str) -> None:
    assert normalise(parse(one)) != normalise(parse(other))
