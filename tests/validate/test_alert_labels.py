"""Which labels a PromQL result can carry: certain sets where PromQL's rules say so, else unknown."""

from __future__ import annotations

import pytest

from erpgo_monctl.analysis.promql import parse
from erpgo_monctl.analysis.promql_labels import output_labels
from erpgo_monctl.validate.alert_labels import AlertInfo, alerts
from tests.validate.builder import alert, context, minimal

UNKNOWN = None


@pytest.mark.parametrize(
    ("expr", "labels"),
    [
        ("x", UNKNOWN),
        ("rate(x[5m])", UNKNOWN),
        ("sum(x)", set()),
        ("sum by (job, le) (rate(x_bucket[5m]))", {"job", "le"}),
        ("sum without (cpu) (x)", UNKNOWN),
        ("sum without (cpu) (sum by (cpu, instance) (x))", {"instance"}),
        ("histogram_quantile(0.9, sum by (le, job) (rate(x_bucket[5m])))", {"job"}),
        ("sum by (a) (x) / sum by (a) (y)", {"a"}),
        ("sum by (a, b) (x) / on (a) sum by (a) (y)", {"a"}),
        ("x / on (a) y", {"a"}),
        ("sum by (a, b) (x) / ignoring (b) sum by (a) (y)", {"a"}),
        ("sum by (a) (x) * on (a) group_left (team) sum by (a, team) (y)", {"a", "team"}),
        ("sum by (a) (x) * on (a) group_left (team) y", {"a", "team"}),
        ("sum by (a, team) (y) * on (a) group_right (b) sum by (a, b) (x)", {"a", "b"}),
        ("sum by (a) (x) > 5", {"a"}),
        ("5 < sum by (a) (x)", {"a"}),
        ("sum by (a) (x) > bool 5", {"a"}),
        ("sum by (a) (x) or sum by (b) (y)", {"a", "b"}),
        ("sum by (a) (x) or y", UNKNOWN),
        ("sum by (a) (x) and y", {"a"}),
        ("sum by (a) (x) unless y", {"a"}),
        ('label_replace(sum by (a) (x), "dst", "$1", "a", "(.*)")', {"a", "dst"}),
        ('absent(up{job="x", env=~"p.*"})', {"job"}),
        ('count_values("version", sum by (a) (x))', {"version"}),
        ('count_values by (a) ("version", x)', {"a", "version"}),
        ("topk(3, sum by (a) (x))", {"a"}),
        ("topk(3, x)", UNKNOWN),
        ("vector(1)", set()),
        ("time() - sum by (a) (x)", {"a"}),
        ("abs(sum by (a) (x))", {"a"}),
        ("-sum by (a) (x)", {"a"}),
        ("(sum by (a) (x))", {"a"}),
        ("max_over_time(sum by (a) (x)[5m:])", {"a"}),
        ("hour()", set()),
        ("1 + 2", set()),
    ],
)
def test_output_labels(expr: str, labels: set[str] | None) -> None:
    tree, problem = parse(expr)
    assert problem is None
    result = output_labels(tree).bounded  # the certain upper bound validate's checks use
    assert (None if result is None else set(result)) == labels


def test_alert_infos_carry_alertname_severity_and_static_labels() -> None:
    data = minimal()
    data["alerts"][0]["rules"].append(
        alert("Busy", "sum by (instance) (rate(x_total[5m])) > 1", "critical", labels={"team": "web"})
    )
    [_, busy] = alerts(context(data))
    assert busy.labels == {"alertname": "Busy", "severity": "critical", "team": "web"}
    assert busy.path == ("alerts", 0, "rules", 1, "alert")
    assert busy.may_have("instance") and busy.may_have("team")
    assert not busy.may_have("job")
    assert busy.describe() == "Busy (critical, team=web)"


def test_unknown_expression_labels_make_every_label_possible() -> None:
    info = AlertInfo(
        ("alerts", 0, "rules", 0), "A", "warning", {"alertname": "A", "severity": "warning"}, None
    )
    assert info.may_have("anything")
