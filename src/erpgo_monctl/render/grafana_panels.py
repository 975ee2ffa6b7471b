"""Grafana panels: built with grafanalib, then normalised to the modern panel model.

grafanalib 0.7.1 still emits pre-Grafana-8 panel JSON in places: nulls for every unset
attribute, legacy keys (`span`, `height`, `minSpan`, `editable`, `error`, panel-level
`color`/`columns`/`fontSize`/`mappings`), gauge and bar gauge options in the v6
`fieldOptions` shape, thresholds as graph-era `{op, yaxis, line, index}` objects and
targets carrying Graphite/legacy fields (`target`, `metric`, `step`, `intervalFactor`).
`normalise_panel` keeps only what the strict Grafana dashboard schema allows and what
Grafana 11-12 read, and takes units, limits and thresholds straight from the spec.
"""

from __future__ import annotations

import json
from typing import Any

from erpgo_monctl.spec.observability import Panel, Query, QueryPanel

JSONDict = dict[str, Any]
Grid = tuple[int, int, int, int]  # x, y, w, h on Grafana's 24-column grid

# Keys of the schema's Panel definition that we emit; everything else grafanalib adds is legacy.
PANEL_KEYS = (
    "type",
    "id",
    "title",
    "description",
    "datasource",
    "gridPos",
    "targets",
    "options",
    "fieldConfig",
    "transformations",
    "links",
)
# Keys of the schema's FieldConfig definition.
FIELD_CONFIG_KEYS = (
    "displayName",
    "description",
    "unit",
    "decimals",
    "min",
    "max",
    "mappings",
    "thresholds",
    "color",
    "links",
    "noValue",
    "custom",
)
BASE_THRESHOLD_COLOR = "green"
# Panel types whose colour comes from thresholds rather than a palette.
THRESHOLD_COLORED = ("stat", "gauge", "bargauge", "table")
REF_IDS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def ref_id(index: int) -> str:
    """Grafana's query letters: A..Z, then AA, AB, ..."""
    if index < len(REF_IDS):
        return REF_IDS[index]
    return ref_id(index // len(REF_IDS) - 1) + REF_IDS[index % len(REF_IDS)]


def drop_nulls(value: Any) -> Any:
    """A copy of `value` without null members (grafanalib writes `null` for every unset attribute)."""
    # recursing only into containers: most members are scalars, returned as they are
    if isinstance(value, dict):
        return {
            key: drop_nulls(item) if isinstance(item, dict | list) else item
            for key, item in value.items()
            if item is not None
        }
    if isinstance(value, list):
        return [
            drop_nulls(item) if isinstance(item, dict | list) else item for item in value if item is not None
        ]
    return value


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def target_format(panel: QueryPanel, query: Query) -> str:
    """`table` for instant queries shown in a table; time series everywhere else (pie slices included)."""
    return "table" if panel.type == "table" and query.instant else "time_series"


def build_targets(panel: QueryPanel, datasource: JSONDict) -> list[Any]:
    """grafanalib targets for a panel's queries, each with a refId and the panel's datasource."""
    from grafanalib import core as g

    return [
        g.Target(
            expr=query.expr,
            legendFormat=query.legend or "",
            refId=ref_id(index),
            instant=query.instant,
            format=target_format(panel, query),
            datasource=dict(datasource),
        )
        for index, query in enumerate(panel.queries)
    ]


def build_panel(panel: Panel, *, panel_id: int, grid: Grid, datasource: JSONDict | None) -> Any:
    """The grafanalib object for one spec panel (before normalisation)."""
    from grafanalib import core as g

    x, y, w, h = grid
    common: JSONDict = {
        "title": panel.title,
        "id": panel_id,
        "gridPos": g.GridPos(h=h, w=w, x=x, y=y),
        "description": panel.description or None,
    }
    if panel.type == "text":
        return g.Text(content=panel.content or "", mode=g.TEXT_MODE_MARKDOWN, **common)
    assert datasource is not None  # every panel but text has queries, hence a datasource
    common["dataSource"] = dict(datasource)
    common["targets"] = build_targets(panel, datasource)
    unit = panel.unit or ""
    if panel.type == "timeseries":
        return g.TimeSeries(
            unit=unit,
            fillOpacity=10,
            showPoints="never",
            legendCalcs=[],
            stacking={"mode": "none", "group": "A"},
            tooltipMode="multi",
            **common,
        )
    if panel.type == "stat":
        return g.Stat(
            format=unit or "none",
            decimals=panel.decimals,
            reduceCalc="lastNotNull",
            noValue=None,
            graphMode="area",
            **common,
        )
    if panel.type == "gauge":
        return g.GaugePanel(
            format=unit or "none",
            decimals=panel.decimals,
            calc="lastNotNull",
            min=panel.min,
            max=panel.max,
            **common,
        )
    if panel.type == "bargauge":
        return g.BarGauge(
            format=unit or "none",
            decimals=panel.decimals,
            calc="lastNotNull",
            displayMode=g.GAUGE_DISPLAY_MODE_GRADIENT,
            min=panel.min,
            max=panel.max,
            **common,
        )
    if panel.type == "table":
        return g.Table(unit=unit, **common)
    if panel.type == "piechart":
        return g.PieChartv2(
            unit=unit,
            pieType="pie",
            legendPlacement="right",
            legendValues=["value", "percent"],
            reduceOptionsCalcs=["lastNotNull"],
            **common,
        )
    if panel.type == "logs":
        return g.Logs(showTime=True, wrapLogMessages=True, enableLogDetails=True, **common)
    raise AssertionError(f"unhandled panel type {panel.type}")  # the spec's Literal rules this out


def to_plain(obj: Any) -> Any:
    """grafanalib objects -> plain JSON data (through grafanalib's own encoder)."""
    from grafanalib._gen import DashboardEncoder

    return json.loads(json.dumps(obj, cls=DashboardEncoder))


def field_defaults(panel: QueryPanel, built: JSONDict) -> JSONDict:
    """`fieldConfig.defaults`: the schema's FieldConfig keys; unit, limits and thresholds from the spec."""
    defaults = {key: built[key] for key in FIELD_CONFIG_KEYS if key in built}
    for key in ("unit", "min", "max", "decimals"):
        defaults.pop(key, None)
    if panel.type == "logs":
        return {}  # log lines have no numeric fields to format
    if panel.unit:
        defaults["unit"] = panel.unit
    if panel.min is not None:
        defaults["min"] = _number(panel.min)
    if panel.max is not None:
        defaults["max"] = _number(panel.max)
    if panel.decimals is not None:
        defaults["decimals"] = panel.decimals
    # The base step's null is Grafana's encoding of -Infinity (the one null the schema allows).
    steps: list[JSONDict] = [{"color": BASE_THRESHOLD_COLOR, "value": None}]
    for threshold in sorted(panel.thresholds, key=lambda t: t.value):
        steps.append({"color": threshold.color, "value": _number(threshold.value)})
    defaults["thresholds"] = {"mode": "absolute", "steps": steps}
    defaults["color"] = {"mode": "thresholds" if panel.type in THRESHOLD_COLORED else "palette-classic"}
    if panel.type == "table":
        custom = {key: value for key, value in defaults.get("custom", {}).items() if key != "displayMode"}
        defaults["custom"] = {**custom, "cellOptions": {"type": "auto"}}
    defaults.setdefault("mappings", [])
    return defaults


def normalise_target(target: JSONDict, query: Query, datasource: JSONDict) -> JSONDict:
    """Only the fields the Prometheus / Loki query editors read; no Graphite-era leftovers."""
    result: JSONDict = {
        "refId": target["refId"],
        "datasource": dict(datasource),
        "expr": target["expr"],
        "editorMode": "code",
    }
    if query.legend:
        result["legendFormat"] = query.legend
    if datasource.get("type") == "loki":
        result["queryType"] = "instant" if query.instant else "range"
    else:
        result["instant"] = query.instant
        result["range"] = not query.instant
        result["format"] = target["format"]
    return result


def _panel_options(panel: Panel, built: JSONDict) -> JSONDict:
    """Modern `options` per panel type; gauge and bar gauge are rebuilt from grafanalib's v6 shape."""
    options: JSONDict = dict(built.get("options", {}))
    if panel.type == "gauge":
        legacy = built.get("fieldConfig", {})
        calcs = legacy.get("defaults", {}).get("calcs", ["lastNotNull"])
        return {
            "reduceOptions": {"calcs": calcs, "fields": "", "values": False},
            "orientation": "auto",
            "showThresholdLabels": legacy.get("showThresholdLabels", False),
            "showThresholdMarkers": legacy.get("showThresholdMarkers", True),
        }
    if panel.type == "bargauge":
        legacy = options.get("fieldOptions", {})
        return {
            "reduceOptions": {
                "calcs": legacy.get("calcs", ["lastNotNull"]),
                "fields": "",
                "values": legacy.get("values", False),
            },
            "displayMode": options.get("displayMode", "gradient"),
            "orientation": options.get("orientation", "horizontal"),
            "showUnfilled": True,
            "valueMode": "color",
            "namePlacement": "auto",
            "sizing": "auto",
        }
    if panel.type in ("timeseries", "piechart"):
        options["legend"] = {**options.get("legend", {}), "showLegend": True}
    if panel.type == "table":
        options = {**options, "cellHeight": "sm"}
        if len(panel.queries) == 1 and panel.queries[0].instant:
            options["sortBy"] = [{"displayName": "Value", "desc": True}]  # e.g. top-k tables, largest first
    return options


def normalise_panel(built: JSONDict, panel: Panel, datasource: JSONDict | None) -> JSONDict:
    """A grafanalib panel dict reduced to the modern, schema-valid panel model."""
    built = drop_nulls(built)
    result: JSONDict = {key: built[key] for key in PANEL_KEYS if key in built}
    for key in ("links", "transformations"):
        if not result.get(key):
            result.pop(key, None)
    if not panel.description:
        result.pop("description", None)
    result["options"] = _panel_options(panel, built)
    if panel.type == "text":
        for key in ("datasource", "targets", "fieldConfig"):
            result.pop(key, None)
        return result
    assert datasource is not None
    result["datasource"] = dict(datasource)
    result["targets"] = [
        normalise_target(target, query, datasource)
        for target, query in zip(built.get("targets", []), panel.queries, strict=True)
    ]
    built_defaults = built.get("fieldConfig", {}).get("defaults", {})
    overrides = built.get("fieldConfig", {}).get("overrides", [])
    result["fieldConfig"] = {"defaults": field_defaults(panel, built_defaults), "overrides": overrides}
    if panel.type == "table" and all(query.instant for query in panel.queries):
        # Instant tables: hide the constant Time column, merge several queries into one table.
        transformations: list[JSONDict] = []
        if len(panel.queries) > 1:
            transformations.append({"id": "merge", "options": {}})
        transformations.append({"id": "organize", "options": {"excludeByName": {"Time": True}}})
        result["transformations"] = transformations
    return result
