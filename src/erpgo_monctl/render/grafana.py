"""Grafana: provisioned datasources, dashboard providers and one dashboard JSON per spec dashboard.

Dashboards are built with grafanalib 0.7.1 and then normalised. Its raw output is a
2019-era model: `schemaVersion` 12, legacy `rows`/`sharedCrosshair`/`hideControls`/`style`
keys, `null` for every unset attribute, datasources as bare names. Grafana 11-12 would run
its whole migration chain on every load (or misread it), and the strict Grafana dashboard
JSON schema (grafana-foundation-sdk) rejects it. Normalisation keeps only the keys the
schema defines, drops nulls, sets a current `schemaVersion` and writes every datasource as
a `{type, uid}` reference to a datasource provisioned here (see grafana_panels for panels).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from functools import lru_cache
from json.encoder import encode_basestring
from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl import GENERATED_HEADER
from erpgo_monctl.diagnostics import MonctlError, format_path
from erpgo_monctl.render import Files
from erpgo_monctl.render.grafana_panels import (
    Grid,
    JSONDict,
    build_panel,
    drop_nulls,
    normalise_panel,
    to_plain,
)
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.resolve.model import Datasource, Model, slugify
from erpgo_monctl.spec.observability import Panel
from erpgo_monctl.spec.types import duration_seconds

# Grafana 11.0's schema version; Grafana 11 and 12 load it without migrating anything that matters.
SCHEMA_VERSION = 39
GRID_COLUMNS = 24
DASHBOARDS_MOUNT = str(COMPOSE.mount("grafana_dashboards"))  # where compose mounts the dashboards
DASHBOARDS_DIR = COMPOSE.path("grafana_dashboards")
REFRESH_INTERVALS = ["10s", "30s", "1m", "5m", "15m", "30m", "1h", "2h", "1d"]
# Keys of the schema's Dashboard definition that we emit; the rest of grafanalib's output is legacy.
DASHBOARD_KEYS = (
    "uid",
    "title",
    "description",
    "tags",
    "timezone",
    "editable",
    "graphTooltip",
    "time",
    "timepicker",
    "refresh",
    "schemaVersion",
    "version",
    "panels",
    "templating",
    "annotations",
    "links",
    "fiscalYearStartMonth",
    "liveNow",
    "weekStart",
)
BUILTIN_ANNOTATIONS: JSONDict = {
    "builtIn": 1,
    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
    "enable": True,
    "hide": True,
    "iconColor": "rgba(0, 211, 255, 1)",
    "name": "Annotations & Alerts",
    "target": {"limit": 100, "matchAny": False, "tags": [], "type": "dashboard"},
    "type": "dashboard",
}


def render(model: Model) -> Files:
    """Datasource and dashboard provisioning plus one JSON file per dashboard."""
    files: Files = {
        COMPOSE.path("grafana_datasources"): render_datasources(model).encode(),
        COMPOSE.path("grafana_dashboard_providers"): render_dashboard_providers(model).encode(),
    }
    indexes = range(len(model.dashboards))
    for index, content in zip(indexes, _dashboard_documents(model), strict=True):
        path = dashboard_path(model, index)
        if path in files:  # validation refuses duplicate uids (E306), generated dashboards included
            raise MonctlError(f"internal: two dashboards render to {path}")
        files[path] = content
    return files


PARALLEL_MIN_DASHBOARDS = 200  # below this, a worker pool costs more than it saves
_FORKED_MODEL: list[Model] = []  # the model a forked worker inherits (nothing is pickled)


def _dashboard_bytes(index: int) -> bytes:
    return dashboard_json(build_dashboard(_FORKED_MODEL[0], index))


def _dashboard_documents(model: Model) -> list[bytes]:
    """Every dashboard's JSON, in order; large specs use a forked pool (one worker per core, at most 4).

    Dashboards are independent, so the output is the same bytes either way (tested); the pool
    is only used where `fork` exists, and falls back to one process on any pool failure.
    """
    import multiprocessing
    import os

    count = len(model.dashboards)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if count >= PARALLEL_MIN_DASHBOARDS and cores > 1 and "fork" in multiprocessing.get_all_start_methods():
        _FORKED_MODEL[:] = [model]
        try:
            with multiprocessing.get_context("fork").Pool(min(cores, 4)) as pool:
                return pool.map(_dashboard_bytes, range(count), chunksize=max(1, count // (4 * cores)))
        except (OSError, RuntimeError):
            pass
        finally:
            _FORKED_MODEL.clear()
    return [dashboard_json(build_dashboard(model, index)) for index in range(count)]


def render_datasources(model: Model) -> str:
    """`datasources.yml`: every datasource the stack runs, with fixed uids dashboards refer to."""
    entries = []
    for datasource in model.datasources:
        entry: JSONDict = {
            "name": datasource.name,
            "uid": datasource.uid,
            "type": datasource.type,
            "access": "proxy",
            "url": datasource.url,
            "isDefault": datasource.is_default,
            "editable": False,
        }
        json_data = _datasource_json_data(model, datasource)
        if json_data:
            entry["jsonData"] = json_data
        entries.append(entry)
    return dump_yaml({"apiVersion": 1, "datasources": entries}, model.header)


def _datasource_json_data(model: Model, datasource: Datasource) -> JSONDict:
    if datasource.type == "prometheus":
        # timeInterval = scrape interval, so $__rate_interval never spans less than four scrapes.
        return {"httpMethod": "POST", "timeInterval": model.spec.prometheus.scrape_interval}
    if datasource.type == "alertmanager":
        return {"implementation": "prometheus", "handleGrafanaManagedAlerts": False}
    if datasource.type == "loki":
        return {"maxLines": 1000}
    return {}


def _folders(model: Model) -> list[str]:
    return list(_sorted_folders(model))


@lru_cache(maxsize=4)
def _sorted_folders(model: Model) -> tuple[str, ...]:
    """Once per model (models hash by identity): dashboard_path asks for every dashboard."""
    return tuple(sorted({model.dashboard_folder(dashboard) for dashboard in model.dashboards}))


def render_dashboard_providers(model: Model) -> str:
    """`dashboards.yml`: one read-only file provider per dashboard folder.

    With one folder (the usual case) the provider reads the whole mounted directory. With
    several, each folder's dashboards live in their own sub-directory, because a file
    provider reads its path recursively and would otherwise load every dashboard twice.
    """
    folders = _folders(model) or [model.dashboard_folder_default]
    providers = []
    for folder in folders:
        path = DASHBOARDS_MOUNT if len(folders) == 1 else f"{DASHBOARDS_MOUNT}/{slugify(folder)}"
        providers.append(
            {
                "name": slugify(folder),
                "orgId": 1,
                "folder": folder,
                "folderUid": slugify(folder)[:40],
                "type": "file",
                "disableDeletion": True,
                "allowUiUpdates": False,
                "updateIntervalSeconds": 30,
                "options": {"path": path, "foldersFromFilesStructure": False},
            }
        )
    return dump_yaml({"apiVersion": 1, "providers": providers}, model.header)


def dashboard_path(model: Model, index: int) -> PurePosixPath:
    """`configs/grafana/dashboards/<uid>.json` (in a folder sub-directory when folders differ)."""
    name = f"{model.dashboard_uid(index)}.json"
    if len(_folders(model)) > 1:
        return DASHBOARDS_DIR / slugify(model.dashboard_folder(model.dashboards[index])) / name
    return DASHBOARDS_DIR / name


def layout(panels: list[Panel]) -> list[Grid]:
    """(x, y, w, h) per panel: left to right on the 24-column grid, wrapping below the tallest of a row."""
    positions = []
    x = y = row_height = 0
    for panel in panels:
        if x + panel.width > GRID_COLUMNS:
            x, y, row_height = 0, y + row_height, 0
        positions.append((x, y, panel.width, panel.height))
        x += panel.width
        row_height = max(row_height, panel.height)
    return positions


def refresh_intervals(refresh: str | None) -> list[str]:
    """The refresh picker's choices, always including the dashboard's own refresh."""
    choices = set(REFRESH_INTERVALS) | ({refresh} if refresh else set())
    return sorted(choices, key=duration_seconds)


def datasource_ref(model: Model, name: str, where: tuple[str | int, ...]) -> JSONDict:
    """`{type, uid}` of the provisioned datasource whose uid a panel names.

    Validation refuses a panel naming a datasource that is not provisioned (E309), so a miss
    here is a bug in monctl, not in the spec.
    """
    for datasource in model.datasources:
        if name == datasource.uid:
            return {"type": datasource.type, "uid": datasource.uid}
    raise MonctlError(f"internal: {format_path(where)}: datasource {name!r} is not provisioned")


def build_dashboard(model: Model, index: int) -> JSONDict:
    """The normalised, schema-valid dashboard model of `model.dashboards[index]`."""
    from grafanalib import core as g

    dashboard = model.dashboards[index]
    refs: list[JSONDict | None] = []
    built_panels = []
    for panel_index, (panel, grid) in enumerate(zip(dashboard.panels, layout(dashboard.panels), strict=True)):
        where = ("dashboards", index, "panels", panel_index, "datasource")
        ref = None if panel.type == "text" else datasource_ref(model, panel.datasource, where)
        refs.append(ref)
        built_panels.append(build_panel(panel, panel_id=panel_index + 1, grid=grid, datasource=ref))
    description = GENERATED_HEADER
    if dashboard.description:
        description = f"{dashboard.description} ({GENERATED_HEADER})"
    built = g.Dashboard(
        title=dashboard.title,
        uid=model.dashboard_uid(index),
        description=description,
        editable=False,
        tags=list(dashboard.tags),
        timezone=dashboard.timezone,
        refresh=dashboard.refresh or "",
        time=g.Time(dashboard.time_from, "now"),
        timePicker=g.TimePicker(refreshIntervals=refresh_intervals(dashboard.refresh), timeOptions=[]),
        graphTooltip=g.GRAPH_TOOLTIP_MODE_SHARED_CROSSHAIR,
        annotations=g.Annotations(list=[BUILTIN_ANNOTATIONS]),
        schemaVersion=SCHEMA_VERSION,
        version=1,
        panels=built_panels,
    )
    return normalise_dashboard(to_plain(built.to_json_data()), dashboard.panels, refs)


def normalise_dashboard(raw: JSONDict, panels: list[Panel], refs: list[JSONDict | None]) -> JSONDict:
    """grafanalib's dashboard dict reduced to the keys of the current dashboard schema."""
    raw_panels = raw.get("panels", [])
    doc: JSONDict = {key: drop_nulls(raw[key]) for key in DASHBOARD_KEYS if key in raw and key != "panels"}
    doc["schemaVersion"] = SCHEMA_VERSION
    doc["timepicker"] = {
        key: value
        for key, value in doc.get("timepicker", {}).items()
        if key in ("hidden", "refresh_intervals")
    }
    doc["templating"] = {"list": doc.get("templating", {}).get("list", [])}
    doc["fiscalYearStartMonth"] = 0
    doc["liveNow"] = False
    doc["panels"] = [
        normalise_panel(built, panel, ref) for built, panel, ref in zip(raw_panels, panels, refs, strict=True)
    ]
    ids = Counter(panel["id"] for panel in doc["panels"])
    if any(count > 1 for count in ids.values()):
        raise MonctlError(f"internal: duplicate panel ids in dashboard {doc.get('uid')}")
    return doc


def dashboard_json(doc: JSONDict) -> bytes:
    """Deterministic JSON: sorted keys, indent 2, UTF-8, trailing newline.

    Byte for byte `json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False)`, written
    without the standard library's pure-Python indenting encoder (3x slower at 1,000 dashboards).
    """
    out: list[str] = []
    try:
        _json_into(doc, "\n", out)
    except (_Unusual, TypeError):  # TypeError: encode_basestring of a key that is not a str
        return (json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n").encode()
    out.append("\n")
    return "".join(out).encode()


class _Unusual(Exception):
    """A value the fast path does not write (non-str keys, custom types): json.dumps decides."""


def _json_into(value: Any, newline: str, out: list[str]) -> None:
    """Append `value` as indented JSON; `newline` is a newline plus the current indentation."""
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        if value != value or value in (math.inf, -math.inf):
            raise _Unusual
        out.append(float.__repr__(value))
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        out.append("[")
        separator = inner
        for item in value:
            out.append(separator)
            _json_into(item, inner, out)
            separator = "," + inner
        out.append(newline + "]")
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        out.append("{")
        separator = inner
        for key in sorted(value):
            out.append(separator + encode_basestring(key) + ": ")
            _json_into(value[key], inner, out)
            separator = "," + inner
        out.append(newline + "}")
    else:
        raise _Unusual
