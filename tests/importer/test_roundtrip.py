"""import -> render is equivalent to the input: scrape jobs, rules, receivers, and amtool's routing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from erpgo_monctl.importer.roundtrip import label_sets, round_trip
from tests.conftest import need
from tests.importer.conftest import DATA, write


def test_seed_configs_round_trip_except_their_reported_defects(seed_configs: Path) -> None:
    amtool = need("amtool")
    result = round_trip([seed_configs / "prometheus.yml", seed_configs / "alertmanager.yml"], amtool=amtool)
    # the seed's five jobs, its 9 alerts (via rule_files) and 6 recording rules (inside prometheus.yml)
    assert (result.jobs, result.rules, result.receivers) == (5, 15, 4)
    assert result.label_sets >= 10  # every route of the tree, and every alert's labels, through amtool twice
    # the only difference: `body` is no Alertmanager field (amtool refuses the seed's file); reported as I010
    assert len(result.differences) == 1 and result.differences[0].startswith("receiver default:")
    assert "'body'" in result.differences[0]
    assert result.imported is not None
    lost = [d for d in result.imported.diagnostics if d.code == "I010"]
    assert [d.path for d in lost] == ["receivers[0].email_configs[0].body", "templates"]


def test_kube_prometheus_rules_round_trip_exactly() -> None:
    result = round_trip([DATA / "kube-prometheus-node-exporter-rules.yaml"], amtool=None)
    assert result.rules == 41
    assert result.differences == []


def test_prometheus_documentation_example_round_trips() -> None:
    result = round_trip([DATA / "prometheus-example.yml"], amtool=None)
    assert result.jobs == 1
    assert result.differences == []
    assert result.imported is not None and result.imported.exit_code == 0


def test_split_import_renders_the_same(seed_configs: Path) -> None:
    whole = round_trip([seed_configs / "prometheus.yml"], amtool=None)
    split = round_trip([seed_configs / "prometheus.yml"], split=True, amtool=None)
    assert split.imported is not None and len(split.imported.files) == 3  # root + one file per rule source
    assert split.differences == whole.differences == []
    assert split.rendered == whole.rendered


def test_a_changed_rule_is_a_difference(tmp_path: Path) -> None:
    """The check can fail: a rule whose rendered form differs is reported with what changed."""
    rules = write(
        tmp_path,
        "rules.yml",
        "groups:\n- name: g\n  rules:\n  - alert: NoSeverity\n    expr: up == 0\n"
        "    annotations: {summary: s, description: d}\n",
    )
    result = round_trip([rules], amtool=None)
    assert result.differences == [
        "alert NoSeverity (group g); rendered as labels {'severity': None} -> {'severity': 'warning'}"
    ]


def test_routing_is_compared_although_mute_intervals_are_not_carried(tmp_path: Path) -> None:
    amtool = need("amtool")
    config = write(
        tmp_path,
        "am.yml",
        "route:\n  receiver: a\n  routes:\n  - receiver: b\n    matchers: ['team=~\"db|web\"']\n"
        "    mute_time_intervals: [night]\n"
        "time_intervals:\n- name: night\n"
        "  time_intervals: [{times: [{start_time: '00:00', end_time: '06:00'}]}]\n"
        "receivers:\n- name: a\n- name: b\n",
    )
    result = round_trip([config], amtool=amtool)
    # mute intervals are not carried over (reported), but the route still routes the same
    assert result.label_sets >= 2
    assert result.differences == []


def test_a_routing_difference_is_found_by_amtool(tmp_path: Path) -> None:
    """The routing check can fail: a rendered tree whose child route lost its matcher."""
    from erpgo_monctl.importer.roundtrip import RoundTrip, _compare_routing

    amtool = need("amtool")
    original = {"route": {"receiver": "a", "routes": [{"receiver": "b", "matchers": ['team="db"']}]},
                "receivers": [{"name": "a"}, {"name": "b"}]}  # fmt: skip
    rendered = {"route": {"receiver": "a", "routes": [{"receiver": "b"}]}, "receivers": original["receivers"]}
    result = RoundTrip()
    _compare_routing(result, original, rendered, [], amtool, str(tmp_path))
    assert result.differences == [
        "routing of {'alertname': 'RoundTripNoMatch'}: input -> 'a', rendered -> 'b'"
    ]


def test_label_sets_reach_every_route() -> None:
    route = {
        "receiver": "root",
        "routes": [
            {
                "receiver": "x",
                "match_re": {"service": "^(foo1|foo2|baz)$"},
                "routes": [{"match": {"s": "c"}}],
            },
            {"receiver": "y", "matchers": ['team="db"', "env!=prod"]},
        ],
    }
    sets = label_sets(route, [])
    assert {"alertname": "RoundTrip", "service": "foo1"} in sets
    assert {"alertname": "RoundTrip", "service": "foo1", "s": "c"} in sets
    assert {"alertname": "RoundTrip", "team": "db"} in sets


def _windows_and_factors(groups: list[dict[str, object]]) -> dict[str, set[tuple[str, str]]]:
    """severity kind -> {(window, factor)} read off burn-rate alert expressions."""
    found: dict[str, set[tuple[str, str]]] = {}
    for group in groups:
        for rule in group["rules"]:  # type: ignore[attr-defined]
            if "alert" not in rule:
                continue
            labels = rule["labels"]
            kind = labels.get("sloth_severity") or labels.get("slo_alert")
            pairs = re.findall(r"ratio_rate(\w+)\{[^}]*\}\s*>\s*\((\S+) \*", rule["expr"])
            found.setdefault(kind, set()).update(pairs)
    return found


def test_sloth_getting_started_matches_sloths_windows_and_factors() -> None:
    """monctl's rules for the imported Sloth SLO against Sloth's own generated rules (docs/import.md)."""
    result = round_trip([DATA / "sloth-getting-started.yml"], amtool=None)
    ours = result.rendered["configs/slo_rules.yml"]["groups"]
    sloth = yaml.safe_load((DATA / "sloth-getting-started.gen.yml").read_text(encoding="utf-8"))["groups"]
    # the same SRE Workbook table: page 14.4x (1h/5m) and 6x (6h/30m), ticket 3x (1d/2h) and 1x (3d/6h)
    assert (
        _windows_and_factors(ours)
        == _windows_and_factors(sloth)
        == {
            "page": {("5m", "14.4"), ("1h", "14.4"), ("30m", "6"), ("6h", "6")},
            "ticket": {("2h", "3"), ("1d", "3"), ("6h", "1"), ("3d", "1")},
        }
    )

    def records(groups: list[dict[str, object]]) -> set[str]:
        return {r["record"] for g in groups for r in g["rules"] if "record" in r}  # type: ignore[attr-defined]

    windows = {f"slo:sli_error:ratio_rate{w}" for w in ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d")}
    assert windows <= records(ours) and windows <= records(sloth)
    ours_alerts = [r for g in ours for r in g["rules"] if "alert" in r]
    sloth_alerts = [r for g in sloth for r in g["rules"] if "alert" in r]
    assert [a["alert"] for a in ours_alerts] == [a["alert"] for a in sloth_alerts]
    for mine, theirs in zip(ours_alerts, sloth_alerts, strict=True):
        assert mine["labels"]["severity"] == theirs["labels"]["severity"]
        assert mine["annotations"]["summary"] == theirs["annotations"]["summary"]
        # documented differences: Sloth labels sloth_*, monctl slo/service/slo_alert; the SLO labels
        # (owner, repo, tier) are on Sloth's recording rules and on monctl's alerts
        assert {"slo", "service", "slo_alert", "owner", "tier"} <= set(mine["labels"])
        assert "sloth_severity" in theirs["labels"] and "owner" not in theirs["labels"]
    # the error budget: monctl writes 0.001 exactly, Sloth 0.0009999999999999432 (float arithmetic)
    assert "(14.4 * 0.001)" in ours_alerts[0]["expr"]
    assert "(14.4 * 0.0009999999999999432)" in sloth_alerts[0]["expr"]


@pytest.mark.parametrize(
    "name",
    [
        "sloth-home-wifi.yml",
        "sloth-k8s-getting-started.yml",
        "sloth-openslo-getting-started.yml",
        "openslo-v1-ratio.yaml",
    ],
)
def test_slo_examples_import_and_render(name: str) -> None:
    result = round_trip([DATA / name], amtool=None)
    assert result.differences == []  # no rules or jobs in these inputs to differ
    assert result.rendered["configs/slo_rules.yml"]["groups"]
