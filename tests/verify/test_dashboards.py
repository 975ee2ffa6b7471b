"""Dashboard rules (G001-G009) and the schema check (G010): one passing and one failing case per rule."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.verify.dashboards import (
    RULES,
    bundled_schema_path,
    check_dashboard,
    check_dashboard_schema,
)

REPO = Path(__file__).resolve().parents[2]
SHARED_SCHEMA = REPO / ".." / "shared" / "schemas" / "grafana-dashboard.schema.json"
PROVISIONED = {"prometheus", "loki"}
PROM = {"type": "prometheus", "uid": "prometheus"}
LOKI = {"type": "loki", "uid": "loki"}


def panel(
    panel_id: int, x: int, y: int, *, kind: str = "timeseries", expr: str = "sum(up)", w: int = 12
) -> dict[str, Any]:
    return {
        "id": panel_id,
        "type": kind,
        "title": f"Panel {panel_id}",
        "datasource": dict(PROM),
        "gridPos": {"x": x, "y": y, "w": w, "h": 8},
        "targets": [{"refId": "A", "datasource": dict(PROM), "expr": expr}],
        "fieldConfig": {"defaults": {}, "overrides": []},
        "options": {},
    }


def good_doc() -> dict[str, Any]:
    return {
        "uid": "ok",
        "title": "OK",
        "schemaVersion": 39,
        "templating": {"list": []},
        "annotations": {"list": []},
        "panels": [
            panel(1, 0, 0, expr='histogram_quantile(0.95, sum by (le) (rate(x_bucket{job="api"}[5m])))'),
            panel(2, 12, 0, kind="stat"),
            {
                "id": 3,
                "type": "logs",
                "title": "Logs",
                "datasource": dict(LOKI),
                "gridPos": {"x": 0, "y": 8, "w": 24, "h": 8},
                "targets": [{"refId": "A", "datasource": dict(LOKI), "expr": '{job="api"} |= "error"'}],
            },
            {"id": 4, "type": "text", "title": "Notes", "gridPos": {"x": 0, "y": 16, "w": 24, "h": 2},
             "options": {"content": "# hi", "mode": "markdown"}},
        ],
    }  # fmt: skip


def run(doc: dict[str, Any]) -> list[Diagnostic]:
    return check_dashboard(doc, file="configs/grafana/dashboards/ok.json", provisioned_uids=PROVISIONED)


def codes(doc: dict[str, Any]) -> list[str]:
    return [d.code for d in run(doc)]


def only(doc: dict[str, Any], code: str) -> Diagnostic:
    found = run(doc)
    assert [d.code for d in found] == [code], [d.as_text() for d in found]
    return found[0]


def schema_path() -> Path:
    if SHARED_SCHEMA.is_file():
        return SHARED_SCHEMA
    return bundled_schema_path()


def test_every_rule_is_documented() -> None:
    assert list(RULES) == [f"G{n:03d}" for n in range(1, 11)]


def test_good_dashboard_passes_rules_and_schema() -> None:
    doc = good_doc()
    assert run(doc) == []
    assert check_dashboard_schema(doc, file="ok.json", schema_path=schema_path()) == []


def test_diagnostics_are_located() -> None:
    doc = good_doc()
    doc["panels"][0]["targets"][0]["expr"] = "sum(rate(x[5m])"
    found = only(doc, "G007")
    assert (found.file, found.line, found.column) == ("configs/grafana/dashboards/ok.json", 1, 1)
    assert found.path == "panels[0].targets[0].expr"
    assert found.severity == "error"
    assert found.as_text().startswith(
        "configs/grafana/dashboards/ok.json:1:1: error[G007]: panels[0].targets[0].expr:"
    )


@pytest.mark.parametrize(
    ("legacy", "modern"), [("graph", "timeseries"), ("singlestat", "stat"), ("table-old", "table")]
)
def test_g001_legacy_panel_type(legacy: str, modern: str) -> None:
    doc = good_doc()
    doc["panels"][0]["type"] = legacy
    found = only(doc, "G001")
    assert found.path == "panels[0].type"
    assert repr(modern) in found.message


def test_g001_legacy_rows() -> None:
    doc = good_doc()
    doc["rows"] = [{"panels": []}]
    assert only(doc, "G001").path == "rows"


def test_g002_duplicate_panel_id() -> None:
    doc = good_doc()
    doc["panels"][1]["id"] = 1
    found = only(doc, "G002")
    assert found.path == "panels[1].id"
    assert "panels[0]" in found.message


def test_g002_missing_panel_id() -> None:
    doc = good_doc()
    del doc["panels"][2]["id"]
    assert only(doc, "G002").path == "panels[2].id"


def test_g003_outside_grid() -> None:
    doc = good_doc()
    doc["panels"][1]["gridPos"]["w"] = 13  # x=12 + w=13 > 24
    assert only(doc, "G003").path == "panels[1].gridPos"


def test_g003_missing_grid_pos() -> None:
    doc = good_doc()
    del doc["panels"][3]["gridPos"]
    assert only(doc, "G003").path == "panels[3].gridPos"


def test_g004_overlapping_panels() -> None:
    doc = good_doc()
    doc["panels"][1]["gridPos"].update(x=6, w=12)
    found = only(doc, "G004")
    assert found.path == "panels[1].gridPos"
    assert "panels[0]" in found.message


def test_g004_touching_panels_do_not_overlap() -> None:
    doc = good_doc()
    doc["panels"][2]["gridPos"]["y"] = 8  # directly below row 0 (h=8)
    assert run(doc) == []


def test_g005_unknown_panel_datasource_uid() -> None:
    doc = good_doc()
    doc["panels"][0]["datasource"] = {"type": "prometheus", "uid": "P1809F7CD0C75ACF3"}
    found = only(doc, "G005")
    assert found.path == "panels[0].datasource"
    assert "P1809F7CD0C75ACF3" in found.message


def test_g005_unknown_target_datasource_uid() -> None:
    doc = good_doc()
    doc["panels"][2]["targets"][0]["datasource"] = {"type": "loki", "uid": "elsewhere"}
    assert only(doc, "G005").path == "panels[2].targets[0].datasource"


def test_g005_bare_datasource_name() -> None:
    doc = good_doc()
    doc["panels"][1]["datasource"] = "Prometheus"
    assert "bare name" in only(doc, "G005").message


def test_g005_builtin_datasources_need_no_provisioning() -> None:
    doc = good_doc()
    doc["panels"][0]["datasource"] = {"type": "datasource", "uid": "-- Mixed --"}
    assert run(doc) == []


def test_g006_missing_schema_version() -> None:
    doc = good_doc()
    del doc["schemaVersion"]
    assert only(doc, "G006").path == "schemaVersion"


def test_g006_old_schema_version() -> None:
    doc = good_doc()
    doc["schemaVersion"] = 12
    assert "12" in only(doc, "G006").message
    doc["schemaVersion"] = 36
    assert run(doc) == []


def test_g007_unparsable_promql() -> None:
    doc = good_doc()
    doc["panels"][1]["targets"][0]["expr"] = "sum(rate(erpgo_http_requests_total[5m]) by"
    found = only(doc, "G007")
    assert found.path == "panels[1].targets[0].expr"
    assert "does not parse" in found.message


def test_g007_loki_queries_are_not_promql() -> None:
    doc = good_doc()
    doc["panels"][2]["targets"][0]["expr"] = '{job="api"} | json | line_format "{{.msg}}"'
    assert run(doc) == []


def test_g007_panel_datasource_type_applies_to_targets() -> None:
    doc = good_doc()
    target = doc["panels"][0]["targets"][0]
    del target["datasource"]
    target["expr"] = "rate(x[5m]"
    assert only(doc, "G007").path == "panels[0].targets[0].expr"


def test_g007_grafana_variables_are_accepted() -> None:
    doc = good_doc()
    expr = 'sum by (job) (rate(x{job=~"$job", i="${instance}"}[$__rate_interval]))'
    doc["panels"][0]["targets"][0]["expr"] = expr
    assert run(doc) == []


@pytest.mark.parametrize(
    "expr",
    [
        "histogram_quantile(0.9, sum(rate(x_bucket[5m])))",
        "histogram_quantile(0.9, sum by (job) (rate(x_bucket[5m])))",
        "histogram_quantile(0.9, (sum without (le) (rate(x_bucket[5m]))))",
    ],
)
def test_g008_histogram_quantile_dropping_le(expr: str) -> None:
    doc = good_doc()
    doc["panels"][0]["targets"][0]["expr"] = expr
    assert only(doc, "G008").path == "panels[0].targets[0].expr"


@pytest.mark.parametrize(
    "expr",
    [
        "histogram_quantile(0.9, sum by (le, job) (rate(x_bucket[5m])))",
        "histogram_quantile(0.9, sum without (instance) (rate(x_bucket[5m])))",
        "histogram_quantile(0.9, rate(x_bucket[5m]))",
    ],
)
def test_g008_histogram_quantile_keeping_le(expr: str) -> None:
    doc = good_doc()
    doc["panels"][0]["targets"][0]["expr"] = expr
    assert run(doc) == []


def test_g009_missing_and_duplicate_ref_ids() -> None:
    doc = good_doc()
    targets = doc["panels"][0]["targets"]
    targets.append(copy.deepcopy(targets[0]))
    assert only(doc, "G009").path == "panels[0].targets[1].refId"
    del targets[1]["refId"]
    assert "no refId" in only(doc, "G009").message


def test_nested_row_panels_are_checked() -> None:
    doc = good_doc()
    inner = panel(5, 0, 0, kind="graph")
    doc["panels"].append({"id": 6, "type": "row", "title": "More", "collapsed": True,
                          "gridPos": {"x": 0, "y": 18, "w": 24, "h": 1}, "panels": [inner]})  # fmt: skip
    assert only(doc, "G001").path == "panels[4].panels[0].type"


def test_g010_schema_violations_are_located() -> None:
    doc = good_doc()
    doc["style"] = "dark"
    doc["panels"][0]["gridPos"]["w"] = 30
    doc["panels"][1]["span"] = 6
    found = check_dashboard_schema(doc, file="ok.json", schema_path=schema_path())
    assert {d.code for d in found} == {"G010"}
    by_path = {d.path: d.message for d in found}
    assert "'style' was unexpected" in by_path[""]
    assert "30 is greater than the maximum of 24" in by_path["panels[0].gridPos.w"]
    assert "'span' was unexpected" in by_path["panels[1]"]


def test_bundled_schema_ships_with_the_package() -> None:
    path = bundled_schema_path()
    assert path.is_file()
    assert path.name == "grafana-dashboard.schema.json"
    doc = good_doc()
    doc["panels"][0]["datasource"] = "Prometheus"
    [found] = check_dashboard_schema(doc, file="ok.json", schema_path=path)
    assert found.path == "panels[0].datasource"
