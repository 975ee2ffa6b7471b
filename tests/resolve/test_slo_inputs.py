"""Synthetic SLI input: the series the errors query counts, the ones only the total counts, or why not."""

from __future__ import annotations

import re

import pytest

from erpgo_monctl.analysis.matchers import matches_all
from erpgo_monctl.resolve.slo_inputs import Unsupported, parse_events_query, sli_input
from erpgo_monctl.spec.rules import SLO


def events(errors: str, total: str) -> SLO:
    return SLO.model_validate(
        {
            "name": "s",
            "service": "api",
            "objective": 99.9,
            "sli": {"events": {"errors": errors, "total": total}},
        }
    )


def by_role(slo: SLO) -> dict[tuple[int, int], dict[str, str]]:
    return {(c.bad, c.total): c.labels for c in sli_input(slo).counters}


def test_a_bad_series_inside_the_total_and_a_good_one_beside_it() -> None:
    slo = events(
        'sum(rate(req_total{job="api", code=~"5.."}[{{window}}])) or vector(0)',
        'sum(rate(req_total{job="api"}[{{window}}]))',
    )
    series = by_role(slo)
    assert series[(1, 0)] == {"__name__": "req_total", "job": "api", "code": "500"}
    assert series[(-1, 1)] == {"__name__": "req_total", "job": "api", "code": "200"}
    errors, _ = parse_events_query(slo.sli.events.errors)  # type: ignore[union-attr]
    total, _ = parse_events_query(slo.sli.events.total)  # type: ignore[union-attr]
    assert matches_all(errors, series[(1, 0)]) and matches_all(total, series[(1, 0)])
    assert matches_all(total, series[(-1, 1)]) and not matches_all(errors, series[(-1, 1)])


def test_separate_error_and_request_counters() -> None:
    series = by_role(
        events("sum(increase(req_errors_total[{{window}}]))", "sum(increase(req_total[{{window}}]))")
    )
    assert series == {(1, 0): {"__name__": "req_errors_total"}, (0, 1): {"__name__": "req_total"}}


def test_negative_and_alternative_matchers() -> None:
    slo = events(
        'sum(rate(req_total{code=~"429|5..", method!="OPTIONS"}[{{window}}]))',
        'sum(rate(req_total{method!="OPTIONS"}[{{window}}]))',
    )
    series = by_role(slo)
    assert series[(1, 0)]["code"] == "429"
    assert series[(-1, 1)]["code"] not in ("429",) and not series[(-1, 1)]["code"].startswith("5")


def test_grouping_labels_are_shared_and_reported() -> None:
    slo = events(
        'sum by (job) (rate(req_total{job="api", code="500"}[{{window}}]))',
        'sum by (job) (rate(req_total{job="api"}[{{window}}]))',
    )
    sli = sli_input(slo)
    assert sli.labels == {"job": "api"}
    assert {c.labels["job"] for c in sli.counters} == {"api"}


def test_latency_feeds_the_threshold_bucket_in_either_spelling() -> None:
    slo = SLO.model_validate(
        {
            "name": "s",
            "service": "api",
            "objective": 99,
            "sli": {"latency": {"metric": "req_seconds", "threshold": 2, "selector": 'job="api"'}},
        }
    )
    bucket, count = sli_input(slo).counters
    assert bucket.series() == 'req_seconds_bucket{job="api", le="2"}' and (bucket.bad, bucket.total) == (
        -1,
        1,
    )
    assert count.series() == 'req_seconds_count{job="api"}' and (count.bad, count.total) == (0, 1)
    assert sli_input(slo, le_spelling=1).counters[0].labels["le"] == "2.0"


@pytest.mark.parametrize(
    ("errors", "total", "reason"),
    [
        ("sum(rate(a[{{window}}])) / 2", "sum(rate(b[{{window}}]))", "not `sum(...)`"),
        ("sum without (x) (rate(a[{{window}}]))", "sum without (x) (rate(b[{{window}}]))", "`without`"),
        ("sum(delta(a[{{window}}]))", "sum(rate(b[{{window}}]))", "rate(...) or increase(...)"),
        ("sum by (code) (rate(a[{{window}}]))", "sum(rate(a[{{window}}]))", "different labels"),
        ('sum(rate(a{code="5"}[{{window}}]))', 'sum(rate(a{code="5"}[{{window}}]))', "total query selects"),
        ("sum(rate(a[{{window}}] offset 1h))", "sum(rate(a[{{window}}]))", "offset"),
    ],
)
def test_shapes_it_cannot_synthesise_say_why(errors: str, total: str, reason: str) -> None:
    with pytest.raises(Unsupported, match=re.escape(reason)):
        sli_input(events(errors, total))
