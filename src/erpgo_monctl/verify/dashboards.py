"""Rendered Grafana dashboards: our own rules, since no Grafana server runs here, plus the JSON schema.

`check_dashboard` applies the rules in RULES to one dashboard document; `check_dashboard_schema`
validates it against the Grafana dashboard JSON schema (draft-07) shipped in erpgo_monctl.data.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from erpgo_monctl.analysis.promql import complexity_problem, parse, promql_for_parser
from erpgo_monctl.analysis.promql_ast import unwrap
from erpgo_monctl.diagnostics import Diagnostic, format_path
from erpgo_monctl.diagnostics.source import Locator, PathKey, SourceMap

RULES: dict[str, str] = {
    "G001": "panels use modern panel types (timeseries, stat, table ...), not graph/singlestat/table-old",
    "G002": "every panel has an integer id, unique in the dashboard",
    "G003": "every panel has a gridPos inside the 24-column grid",
    "G004": "panels do not overlap on the grid",
    "G005": "every datasource (panel and target) is a {type, uid} reference to a provisioned datasource",
    "G006": "schemaVersion is set and at least 36 (Grafana 9+ model)",
    "G007": "every Prometheus target's expr is valid PromQL",
    "G008": "histogram_quantile aggregates its buckets keeping the `le` label",
    "G009": "every target has a refId, unique in its panel",
    "G010": "the dashboard validates against the Grafana dashboard JSON schema",
}
# Panel plugins Grafana deprecated or removed, with what replaces them.
LEGACY_PANEL_TYPES: dict[str, str] = {
    "graph": "timeseries",
    "singlestat": "stat",
    "grafana-singlestat-panel": "stat",
    "table-old": "table",
    "grafana-piechart-panel": "piechart",
    "grafana-worldmap-panel": "geomap",
    "natel-discrete-panel": "state-timeline",
    "flant-statusmap-panel": "status-history",
}
MIN_SCHEMA_VERSION = 36
GRID_COLUMNS = 24
# Datasources Grafana itself provides; they are never provisioned.
BUILTIN_DATASOURCE_UIDS = frozenset({"-- Grafana --", "-- Mixed --", "-- Dashboard --", "grafana"})
SCHEMA_FILE = "grafana-dashboard.schema.json"


def bundled_schema_path() -> Path:
    """The Grafana dashboard JSON schema shipped inside the package (works after a non-editable install)."""
    from importlib.resources import files

    return Path(str(files("erpgo_monctl.data").joinpath(SCHEMA_FILE)))


Panels = list[tuple[PathKey, dict[str, Any]]]


def iter_panels(doc: dict[str, Any]) -> Iterator[tuple[PathKey, dict[str, Any]]]:
    """(path, panel) for every panel, including those nested in collapsed rows."""
    for index, panel in enumerate(doc.get("panels") or []):
        if not isinstance(panel, dict):
            continue
        path: PathKey = ("panels", index)
        yield path, panel
        for child_index, child in enumerate(panel.get("panels") or []):
            if isinstance(child, dict):
                yield (*path, "panels", child_index), child


def check_dashboard(
    doc: dict[str, Any], *, file: str, provisioned_uids: set[str], source: SourceMap | None = None
) -> list[Diagnostic]:
    """Every rule of RULES (but the schema one) applied to one dashboard document.

    Findings stand where `source` (the document's positions) puts their path, else at line 1 of `file`.
    """
    at = Locator(source or SourceMap(file))
    found = _check_schema_version(doc, at)
    if doc.get("rows"):
        found.append(at.diag(("rows",), "G001", "legacy `rows` layout: use panels with gridPos"))
    panels = list(iter_panels(doc))
    found += _check_types(panels, at)
    found += _check_ids(panels, at)
    found += _check_grid(panels, at)
    for path, panel in panels:
        found += _check_datasources(path, panel, at, provisioned_uids)
        found += _check_targets(path, panel, at)
    return sorted(found)


def _check_schema_version(doc: dict[str, Any], at: Locator) -> list[Diagnostic]:
    version = doc.get("schemaVersion")
    if not isinstance(version, int) or isinstance(version, bool):
        return [
            at.diag(
                ("schemaVersion",),
                "G006",
                "schemaVersion is missing; Grafana would treat the dashboard "
                f"as ancient and migrate it (use {MIN_SCHEMA_VERSION} or later)",
            )
        ]
    if version < MIN_SCHEMA_VERSION:
        return [
            at.diag(
                ("schemaVersion",),
                "G006",
                f"schemaVersion {version} predates Grafana 9 (need >= {MIN_SCHEMA_VERSION})",
            )
        ]
    return []


def _check_types(panels: Panels, at: Locator) -> list[Diagnostic]:
    found = []
    for path, panel in panels:
        kind = panel.get("type")
        if not isinstance(kind, str) or not kind:
            found.append(at.diag((*path, "type"), "G001", "panel has no type"))
        elif kind in LEGACY_PANEL_TYPES:
            found.append(
                at.diag(
                    (*path, "type"),
                    "G001",
                    f"panel type {kind!r} is deprecated; use {LEGACY_PANEL_TYPES[kind]!r}",
                )
            )
    return found


def _check_ids(panels: Panels, at: Locator) -> list[Diagnostic]:
    found = []
    first_seen: dict[int, PathKey] = {}
    for path, panel in panels:
        panel_id = panel.get("id")
        if not isinstance(panel_id, int) or isinstance(panel_id, bool):
            found.append(at.diag((*path, "id"), "G002", "panel has no integer id"))
        elif panel_id in first_seen:
            found.append(
                at.diag(
                    (*path, "id"),
                    "G002",
                    f"panel id {panel_id} is already used by {format_path(first_seen[panel_id])}",
                )
            )
        else:
            first_seen[panel_id] = path
    return found


def _grid_rect(pos: Any) -> tuple[int, int, int, int] | None:
    if not isinstance(pos, dict):
        return None
    values: list[int] = []
    for key in ("x", "y", "w", "h"):
        value = pos.get(key)
        if not isinstance(value, int) or isinstance(value, bool):
            return None
        values.append(value)
    x, y, w, h = values
    return x, y, w, h


def _check_grid(panels: Panels, at: Locator) -> list[Diagnostic]:
    found = []
    placed: list[tuple[PathKey, tuple[int, int, int, int]]] = []
    for path, panel in panels:
        if len(path) > 2:
            continue  # panels inside a collapsed row are laid out when the row opens
        rect = _grid_rect(panel.get("gridPos"))
        if rect is None:
            found.append(at.diag((*path, "gridPos"), "G003", "no gridPos with integer x, y, w, h"))
            continue
        x, y, w, h = rect
        if x < 0 or y < 0 or w < 1 or h < 1 or x + w > GRID_COLUMNS:
            found.append(
                at.diag(
                    (*path, "gridPos"),
                    "G003",
                    f"gridPos x={x} w={w} y={y} h={h} is outside the {GRID_COLUMNS}-column grid",
                )
            )
            continue
        for other_path, (ox, oy, ow, oh) in placed:
            if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                found.append(at.diag((*path, "gridPos"), "G004", f"panel overlaps {format_path(other_path)}"))
        placed.append((path, rect))
    return found


def _datasource_problem(ref: Any, provisioned_uids: set[str]) -> str | None:
    if not isinstance(ref, dict):
        return f"datasource {ref!r} is a bare name; use a {{type, uid}} reference"
    uid = ref.get("uid")
    if not isinstance(uid, str) or not uid:
        return "datasource reference has no uid"
    if uid in BUILTIN_DATASOURCE_UIDS or uid in provisioned_uids:
        return None
    known = ", ".join(sorted(provisioned_uids)) or "none"
    return f"datasource uid {uid!r} is not provisioned (provisioned: {known})"


def _check_datasources(
    path: PathKey, panel: dict[str, Any], at: Locator, provisioned_uids: set[str]
) -> list[Diagnostic]:
    found = []
    if panel.get("datasource") is not None:
        problem = _datasource_problem(panel["datasource"], provisioned_uids)
        if problem:
            found.append(at.diag((*path, "datasource"), "G005", problem))
    for index, target in enumerate(panel.get("targets") or []):
        if isinstance(target, dict) and target.get("datasource") is not None:
            problem = _datasource_problem(target["datasource"], provisioned_uids)
            if problem:
                found.append(at.diag((*path, "targets", index, "datasource"), "G005", problem))
    return found


def _datasource_type(ref: Any) -> str | None:
    return ref.get("type") if isinstance(ref, dict) else None


def _check_targets(path: PathKey, panel: dict[str, Any], at: Locator) -> list[Diagnostic]:
    found = []
    ref_ids: set[str] = set()
    for index, target in enumerate(panel.get("targets") or []):
        if not isinstance(target, dict):
            continue
        where = (*path, "targets", index)
        ref_id = target.get("refId")
        if not isinstance(ref_id, str) or not ref_id:
            found.append(at.diag((*where, "refId"), "G009", "target has no refId"))
        elif ref_id in ref_ids:
            found.append(at.diag((*where, "refId"), "G009", f"refId {ref_id!r} is used twice"))
        else:
            ref_ids.add(ref_id)
        kind = _datasource_type(target.get("datasource")) or _datasource_type(panel.get("datasource"))
        expr = target.get("expr")
        if kind == "prometheus" and isinstance(expr, str) and expr.strip():
            found += _check_promql(expr, (*where, "expr"), at)
    return found


def _check_promql(expr: str, path: PathKey, at: Locator) -> list[Diagnostic]:
    import promql_parser

    text = promql_for_parser(expr)
    limit = complexity_problem(text)
    if limit:
        return [at.diag(path, "G007", f"PromQL too complex to check: {limit}")]
    tree, problem = parse(text)
    if tree is None:
        return [at.diag(path, "G007", f"PromQL does not parse: {problem}")]
    found: list[Diagnostic] = []

    def visit(node: Any) -> bool:
        is_call = isinstance(node, promql_parser.Call)
        if is_call and node.func.name == "histogram_quantile" and len(node.args) == 2:
            buckets = unwrap(node.args[1])
            if isinstance(buckets, promql_parser.AggregateExpr) and not _keeps_le(buckets):
                message = f"histogram_quantile over `{buckets}` drops the `le` label; use `sum by (le, ...)`"
                found.append(at.diag(path, "G008", message))
        return True

    promql_parser.walk(tree, visit)
    return found


def _keeps_le(aggregation: Any) -> bool:
    import promql_parser

    modifier = aggregation.modifier
    if modifier is None:
        return False
    labels = list(modifier.labels)
    if modifier.type == promql_parser.AggModifierType.By:
        return "le" in labels
    return "le" not in labels


@lru_cache(maxsize=4)
def _validator(schema_path: str) -> Any:
    import jsonschema

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema)


def _weight(error: Any) -> int:
    """How wrong one error says the instance is: each unexpected property counts."""
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        return max(1, sum(1 for key in error.instance if key not in known))
    return 1


def _closest_branch(error: Any) -> list[Any]:
    """The errors of the oneOf/anyOf branch the instance was meant for.

    A panel fails both the Panel and the RowPanel branch; reporting the branch it was meant
    for (`w` too wide) beats jsonschema's "is not valid under any of the given schemas". A
    failed `const` (RowPanel's `type: row`) rules a branch out first, then the fewest and
    deepest errors win.
    """
    branches: dict[Any, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)

    def distance(errors: list[Any]) -> tuple[bool, int, int]:
        discriminated = any(e.validator == "const" for e in errors)
        return discriminated, sum(_weight(e) for e in errors), -max(len(e.absolute_path) for e in errors)

    closest = min(branches.values(), key=distance)
    return [leaf for sub in closest for leaf in (_closest_branch(sub) if sub.context else [sub])]


def check_dashboard_schema(
    doc: Any, *, file: str, schema_path: Path, source: SourceMap | None = None
) -> list[Diagnostic]:
    """Violations of the Grafana dashboard JSON schema, located by their path in the document."""
    at = Locator(source or SourceMap(file))
    found = []
    for error in _validator(str(schema_path)).iter_errors(doc):
        for leaf in _closest_branch(error) if error.context else [error]:
            message = leaf.message if len(leaf.message) <= 200 else leaf.message[:197] + "..."
            found.append(at.diag(tuple(leaf.absolute_path), "G010", f"dashboard schema: {message}"))
    return sorted(set(found))
