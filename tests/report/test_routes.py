"""`monctl routes`: our route-tree evaluation, cross-checked with amtool for every ERPGo alert."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from erpgo_monctl.report.routes import route_report
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.verify.testing import run_route_tests
from tests.conftest import ERPGO_SPEC, build_model, need


def test_every_erpgo_alert_routes_as_amtool_says(erpgo_model: Model, rendered_dir: Path) -> None:
    amtool = need("amtool")
    report = route_report(erpgo_model)
    assert len(report.alerts) == len(erpgo_model.alerts) >= 12
    config = rendered_dir / "configs/alertmanager.yml"
    for entry in report.alerts:
        labels = [f"{k}={v}" for k, v in sorted(entry.labels.items())]
        proc = subprocess.run(
            [amtool, "config", "routes", "test", f"--config.file={config}", *labels],
            capture_output=True,
            text=True,
            check=True,
        )
        assert proc.stdout.strip().split(",") == list(entry.receivers), entry


def test_erpgo_has_no_unreachable_route_and_critical_alerts_page(erpgo_model: Model) -> None:
    report = route_report(erpgo_model)
    assert report.unreachable == []
    by_alert = {(a.alert, a.labels["severity"]): a for a in report.alerts}
    assert by_alert[("HighErrorRate", "critical")].receivers == ("on-call",)
    assert by_alert[("DiskSpaceLow", "critical")].receivers == ("on-call", "devops-team")
    assert by_alert[("NoOrdersCreated", "warning")].receivers == ("business-team",)
    assert by_alert[("SlowQueries", "warning")].catch_all


def test_unreachable_route_is_flagged_with_its_location(tmp_path: Path) -> None:
    text = ERPGO_SPEC.read_text().replace(
        """matchers: ['service="infrastructure"']""", """matchers: ['service="infrastructre"']""", 1
    )
    assert "infrastructre" in text
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    result = CliRunner().invoke(app, ["routes", str(spec)])
    assert result.exit_code == 1
    assert "DiskSpaceLow {service=infrastructure, severity=critical} -> on-call\n" in result.stdout
    assert (
        "warning[R001]: alertmanager.route.routes[2]: no alert of the spec reaches this route"
        in result.stderr
    )


def test_routes_json_lists_every_alert() -> None:
    import json

    result = CliRunner().invoke(app, ["routes", str(ERPGO_SPEC), "--format", "json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert all({"file", "line", "column", "path", "code", "severity", "message"} <= set(d) for d in doc)
    assert not [d for d in doc if d["code"] == "R001"]
    first = doc[0]
    assert (first["code"], first["severity"], first["path"]) == ("R000", "info", "alerts[0].rules[0].alert")
    # job: the series label its expression pins (job="erpgo-api") and keeps
    assert (
        first["message"] == "HighErrorRate {job=erpgo-api, service=erpgo-api, severity=critical} -> on-call"
    )


@pytest.mark.parametrize("receivers", [["default"], ["devops-team", "on-call"]])
def test_wrong_routing_expectation_is_t021_at_that_route_test(
    tmp_path: Path, rendered_dir: Path, receivers: list[str]
) -> None:
    """The route tests `monctl test` runs (verify.testing.run_route_tests), on the rendered ERPGo tree."""
    amtool = need("amtool")
    text = ERPGO_SPEC.read_text().replace(
        "      receivers: [on-call, devops-team]\n", f"      receivers: [{', '.join(receivers)}]\n", 1
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(text)
    results = run_route_tests(build_model(spec), rendered_dir, amtool)  # same routes, other expectation
    assert [r.ok for r in results] == [True, False, True, True]
    [diag] = results[1].diagnostics
    assert (diag.code, diag.path, diag.file) == ("T021", "alertmanager.route_tests[1].receivers", str(spec))
    assert "should reach " + ", ".join(receivers) in diag.message


SERIES_SPEC = """
version: 1
name: bookstore
services:
  - {name: orders-api, targets: ["orders:8080"], labels: {team: orders}}
exporters:
  - {name: node, kind: node, targets: ["host.docker.internal:9100"]}
alerts:
  - name: hosts
    rules:
      - {alert: HostDown, expr: 'up{job="node"} == 0', severity: warning, summary: down, description: down}
      - {alert: OrdersDown, expr: 'up{job="orders-api"} == 0', severity: warning, summary: d, description: d}
      - {alert: AllDown, expr: 'sum(up) == 0', severity: warning, summary: d, description: d}
alertmanager:
  route:
    receiver: default
    routes:
      - {matchers: ['job="node"'], receiver: infra}
      - {matchers: ['team="orders"'], receiver: orders}
      - {matchers: ['instance=~"db.*"'], receiver: dba}
      - {matchers: ['team="shipping"'], receiver: orders}
  receivers:
    - {name: default, webhook: [{url: "http://sink:5001/"}]}
    - {name: infra, webhook: [{url: "http://sink:5001/infra"}]}
    - {name: orders, webhook: [{url: "http://sink:5001/orders"}]}
    - {name: dba, webhook: [{url: "http://sink:5001/dba"}]}
"""


def test_alerts_route_with_the_series_labels_their_scrape_job_sets(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(SERIES_SPEC)
    result = CliRunner().invoke(app, ["routes", str(spec)])
    lines = result.stdout.splitlines()
    assert "HostDown {job=node, severity=warning} -> infra" in lines
    assert "OrdersDown {job=orders-api, severity=warning, team=orders} -> orders" in lines
    assert "AllDown {severity=warning} -> default  (catch-all: no route matches)" in lines
    # job="node" and instance=~"db.*" match series labels: reached at runtime, never R001;
    # team="shipping" matches no value any scrape job gives: R001
    assert result.stderr.count("R001") == 1
    assert "alertmanager.route.routes[3]: no alert of the spec reaches this route" in result.stderr
    assert result.exit_code == 1


def test_routes_at_a_time_marks_the_receivers_the_maintenance_window_mutes() -> None:
    from typer.testing import CliRunner

    from erpgo_monctl.cli import app
    from tests.conftest import ERPGO_SPEC

    runner = CliRunner()
    during = runner.invoke(app, ["routes", str(ERPGO_SPEC), "--at", "2026-11-29T02:30:00Z"])
    after = runner.invoke(app, ["routes", str(ERPGO_SPEC), "--at", "2026-11-29T04:00:00Z"])
    line = "DiskSpaceLow {service=infrastructure, severity=critical} -> on-call, devops-team"
    assert f"{line} (muted by maintenance)\n" in during.stdout
    assert f"{line}\n" in after.stdout
    bad = runner.invoke(app, ["routes", str(ERPGO_SPEC), "--at", "half past two"])
    assert bad.exit_code == 2
