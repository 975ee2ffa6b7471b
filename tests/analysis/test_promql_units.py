"""Units of expressions (seconds, bytes, per-second rates) and the thresholds they are compared with."""

from __future__ import annotations

import promql_parser
import pytest

from erpgo_monctl.analysis.promql_ast import selector_name
from erpgo_monctl.analysis.promql_units import Quantity, quantity, threshold_comparisons


def parse(text: str) -> object:
    return promql_parser.parse(text)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("pg_stat_statements_mean_time_seconds", Quantity("seconds")),
        ("avg(max_over_time(x_seconds[5m]))", Quantity("seconds")),
        ("histogram_quantile(0.95, sum by (le) (rate(x_seconds_bucket[5m])))", Quantity("seconds")),
        ("x_seconds * 1000", Quantity("seconds", 1000)),
        ("process_resident_memory_bytes / 1024 / 1024", Quantity("bytes", 1 / 1024 / 1024)),
        ("sum(rate(a_total[5m])) * 60", Quantity("rate", 60)),
        ("rate(a_total[5m])", Quantity("rate")),
        ("a_bytes / b_bytes * 100", None),
        ("time() - x_timestamp_seconds", None),
        ("process_start_time_seconds", None),
        ("count(x_seconds)", None),
    ],
)
def test_quantity(expr: str, expected: Quantity | None) -> None:
    assert quantity(parse(expr)) == expected


def test_threshold_comparisons_skip_bool_and_vector_comparisons() -> None:
    found = [
        (selector_name(side), value)
        for side, value in threshold_comparisons(parse("a > 10 and 5 < b and c > bool 3 and d > e"))
    ]
    assert found == [("a", 10.0), ("b", 5.0)]
