"""Alert and recording rule files: every seed alert with its severity and corrected threshold."""

from __future__ import annotations

import subprocess
from pathlib import Path, PurePosixPath

import promql_parser
import pytest
import yaml

from erpgo_monctl.resolve.model import Model, resolve
from tests.conftest import need

# alert -> (severity, threshold, for) as the seed states them, units corrected where the seed was wrong
SEED_ALERTS = {
    "HighErrorRate": ("critical", 0.05, "5m"),
    "HighResponseTime": ("warning", 2, "5m"),
    "ApplicationDown": ("critical", 0, "1m"),
    "HighMemoryUsage": ("warning", 500, "5m"),
    "DatabaseConnectionHigh": ("warning", 80, "2m"),
    "SlowQueries": ("warning", 1, "5m"),  # seed: 1000 against a _seconds metric
    "DiskSpaceLow": ("critical", 10, "5m"),
    "NoOrdersCreated": ("warning", 0, "15m"),
    "OrderProcessingBacklog": ("warning", 100, "10m"),
    "BruteForceAttack": ("critical", 10, "2m"),
    "SuspiciousIPActivity": ("warning", 5, "1m"),
    "HighAuthorizationFailures": ("warning", 20, "3m"),
}


@pytest.fixture(scope="module")
def alert_rules(rendered: dict[PurePosixPath, bytes]) -> dict[str, dict]:
    doc = yaml.safe_load(rendered[PurePosixPath("configs/alert_rules.yml")])
    return {rule["alert"]: rule for group in doc["groups"] for rule in group["rules"]}


def _threshold(expr: str) -> float:
    parsed = promql_parser.parse(expr)
    assert isinstance(parsed, promql_parser.BinaryExpr), f"not a comparison: {expr}"
    assert isinstance(parsed.rhs, promql_parser.NumberLiteral)
    return float(parsed.rhs.val)


@pytest.mark.parametrize("name", sorted(SEED_ALERTS))
def test_seed_alert_exists_with_severity_threshold_and_for(alert_rules: dict[str, dict], name: str) -> None:
    severity, threshold, for_ = SEED_ALERTS[name]
    rule = alert_rules[name]
    assert rule["labels"]["severity"] == severity
    assert _threshold(rule["expr"]) == threshold
    assert rule["for"] == for_
    assert rule["annotations"]["summary"]
    assert rule["annotations"]["runbook_url"] == f"https://docs.erpgo.example.com/runbooks/{name}"


def test_seconds_metrics_are_not_compared_with_milliseconds(alert_rules: dict[str, dict]) -> None:
    """The seed's SlowQueries compared pg_stat_statements_mean_time_seconds with 1000."""
    for name, rule in alert_rules.items():
        if "_seconds" in rule["expr"] and "histogram_quantile" not in rule["expr"]:
            assert _threshold(rule["expr"]) < 60, name
            assert "ms" not in rule["annotations"]["description"].split("Threshold")[-1], name


@pytest.mark.parametrize("name", ["BruteForceAttack", "SuspiciousIPActivity", "HighAuthorizationFailures"])
def test_per_minute_text_matches_a_per_minute_expression(alert_rules: dict[str, dict], name: str) -> None:
    """The seed compared per-second rates with thresholds its text calls per minute."""
    rule = alert_rules[name]
    assert "/minute" in rule["annotations"]["description"]
    parsed = promql_parser.parse(rule["expr"])
    scaled = parsed.lhs  # (sum(rate(...)) * 60) > N
    assert isinstance(scaled, promql_parser.BinaryExpr)
    assert isinstance(scaled.rhs, promql_parser.NumberLiteral) and scaled.rhs.val == 60


def test_percentiles_aggregate_by_le(rendered: dict[PurePosixPath, bytes]) -> None:
    for name in ("configs/alert_rules.yml", "configs/recording_rules.yml"):
        doc = yaml.safe_load(rendered[PurePosixPath(name)])
        for group in doc["groups"]:
            for rule in group["rules"]:
                if "histogram_quantile" in rule["expr"]:
                    assert "sum by (le)" in rule["expr"] or "sum by (job, le)" in rule["expr"], rule


def test_every_seed_recording_rule_is_rendered(rendered: dict[PurePosixPath, bytes]) -> None:
    doc = yaml.safe_load(rendered[PurePosixPath("configs/recording_rules.yml")])
    records = {rule["record"] for group in doc["groups"] for rule in group["rules"]}
    assert records == {
        "job:http_requests:rate5m",
        "job:http_requests_errors:rate5m",
        "job:http_request_duration_seconds:p95:5m",
        "job:db_connections_usage_percent",
        "business:orders_per_minute",
        "business:revenue_per_hour",
    }


def test_tiered_alert_names_render_side_by_side(erpgo_model: Model) -> None:
    from erpgo_monctl.render import rules

    spec = erpgo_model.spec.model_copy(deep=True)
    warning = spec.alerts[0].rules[0].model_copy(update={"severity": "warning"})
    spec.alerts[0].rules.append(warning)
    doc = yaml.safe_load(rules.render(resolve(spec))[PurePosixPath("configs/alert_rules.yml")])
    tiers = [
        r["labels"]["severity"] for g in doc["groups"] for r in g["rules"] if r["alert"] == "HighErrorRate"
    ]
    assert tiers == ["critical", "warning"]


def test_promtool_accepts_rule_files(rendered_dir: Path) -> None:
    promtool = need("promtool")
    for name in ("alert_rules.yml", "recording_rules.yml"):
        proc = subprocess.run(
            [promtool, "check", "rules", str(rendered_dir / "configs" / name)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
