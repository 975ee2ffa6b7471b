"""Label propagation: what aggregations, matching and functions keep — certain answers only."""

from __future__ import annotations

import promql_parser
import pytest

from erpgo_monctl.analysis.promql_labels import output_labels


def parse(text: str) -> object:
    return promql_parser.parse(text)


@pytest.mark.parametrize(
    ("expr", "absent", "present"),
    [
        ("sum by (job) (rate(x[5m])) > 1", "instance", "job"),
        ("sum(rate(x[5m]))", "job", None),
        ("sum without (instance) (x) > 1", "instance", "job"),
        ("a / on(job) b", "instance", "job"),
        ("a / ignoring(cpu) b", "cpu", "instance"),
        ("node_load1 / count without (cpu, mode) (node_cpu_seconds_total) > 2", "mode", "instance"),
        ('absent(up{job="api"})', "instance", "job"),
        ("histogram_quantile(0.9, sum by (le, job) (rate(x_bucket[5m])))", "le", "job"),
        ('label_replace(sum(x), "dst", "$1", "src", "(.*)")', "src", "dst"),
        ("sum(x) > 1 and on() y", "job", None),
        ('count_values("version", build_info)', "job", "version"),
        ("max by (job) (x) * on(job) group_left(team) owners", "instance", "team"),
    ],
)
def test_output_labels_knows_what_aggregations_and_matching_keep(
    expr: str, absent: str, present: str | None
) -> None:
    labels = output_labels(parse(expr))
    assert labels.lacks(absent)
    if present is not None:
        assert not labels.lacks(present)


@pytest.mark.parametrize(
    "expr",
    [
        "x > 1",
        "rate(x[5m])",
        "topk(3, x)",
        "x or sum(y)",
        "a * on(x) group_left(y) b",
        "sum without (le) (x)",
    ],
)
def test_output_labels_does_not_guess_open_sets(expr: str) -> None:
    assert not output_labels(parse(expr)).lacks("instance")
