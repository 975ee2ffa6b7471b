"""Rendered Grafana dashboards: our own rules, since no Grafana server runs here, plus the JSON schema.

`check_dashboard` applies the rules in RULES to one dashboard document; `check_dashboard_schema`
validates it against the Grafana dashboard JSON schema (draft-07) shipped in erpgo_monctl.data.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from erpgo_monctl.diagnostics import Diagnostic, Severity, format_path

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
_RANGE_VARIABLE = re.compile(r"(?<=[\[:])\s*\$(?:\{[^}]*\}|\w+)\s*(?=[]:])")
_VARIABLE = re.compile(r"\$(?:\{[^}]*\}|\w+)|\[\[[^]]*\]\]")


def bundled_schema_path() -> Path:
    """The Grafana dashboard JSON schema shipped inside the package (works after a non-editable install)."""
    from importlib.resources import files

    return Path(str(files("erpgo_monctl.data").joinpath(SCHEMA_FILE)))


def _diag(file: str, path: str, code: str, message: str, severity: Severity = "error") -> Diagnostic:
    return Diagnostic(file, 1, 1, path, code, severity, message)


def iter_panels(doc: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path, panel) for every panel, including those nested in collapsed rows."""
    for index, panel in enumerate(doc.get("panels") or []):
        if not isinstance(panel, dict):
            continue
        path = f"panels[{index}]"
        yield path, panel
        for child_index, child in enumerate(panel.get("panels") or []):
            if isinstance(child, dict):
                yield f"{path}.panels[{child_index}]", child


def check_dashboard(doc: dict[str, Any], *, file: str, provisioned_uids: set[str]) -> list[Diagnostic]:
    """Every rule of RULES (but the schema one) applied to one dashboard document."""
    found = _check_schema_version(doc, file)
    if doc.get("rows"):
        found.append(_diag(file, "rows", "G001", "legacy `rows` layout: use panels with gridPos"))
    panels = list(iter_panels(doc))
    found += _check_types(panels, file)
    found += _check_ids(panels, file)
    found += _check_grid(panels, file)
    for path, panel in panels:
        found += _check_datasources(path, panel, file, provisioned_uids)
        found += _check_targets(path, panel, file)
    return sorted(found)


def _check_schema_version(doc: dict[str, Any], file: str) -> list[Diagnostic]:
    version = doc.get("schemaVersion")
    if not isinstance(version, int) or isinstance(version, bool):
        return [
            _diag(
                file,
                "schemaVersion",
                "G006",
                "schemaVersion is missing; Grafana would treat the dashboard "
                f"as ancient and migrate it (use {MIN_SCHEMA_VERSION} or later)",
            )
        ]
    if version < MIN_SCHEMA_VERSION:
        return [
            _diag(
                file,
                "schemaVersion",
                "G006",
                f"schemaVersion {version} predates Grafana 9 (need >= {MIN_SCHEMA_VERSION})",
            )
        ]
    return []


def _check_types(panels: list[tuple[str, dict[str, Any]]], file: str) -> list[Diagnostic]:
    found = []
    for path, panel in panels:
        kind = panel.get("type")
        if not isinstance(kind, str) or not kind:
            found.append(_diag(file, f"{path}.type", "G001", "panel has no type"))
        elif kind in LEGACY_PANEL_TYPES:
            found.append(
                _diag(
                    file,
                    f"{path}.type",
                    "G001",
                    f"panel type {kind!r} is deprecated; use {LEGACY_PANEL_TYPES[kind]!r}",
                )
            )
    return found


def _check_ids(panels: list[tuple[str, dict[str, Any]]], file: str) -> list[Diagnostic]:
    found = []
    first_seen: dict[int, str] = {}
    for path, panel in panels:
        panel_id = panel.get("id")
        if not isinstance(panel_id, int) or isinstance(panel_id, bool):
            found.append(_diag(file, f"{path}.id", "G002", "panel has no integer id"))
        elif panel_id in first_seen:
            found.append(
                _diag(
                    file,
                    f"{path}.id",
                    "G002",
                    f"panel id {panel_id} is already used by {first_seen[panel_id]}",
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


def _check_grid(panels: list[tuple[str, dict[str, Any]]], file: str) -> list[Diagnostic]:
    found = []
    placed: list[tuple[str, tuple[int, int, int, int]]] = []
    for path, panel in panels:
        if "." in path:
            continue  # panels inside a collapsed row are laid out when the row opens
        rect = _grid_rect(panel.get("gridPos"))
        if rect is None:
            found.append(_diag(file, f"{path}.gridPos", "G003", "no gridPos with integer x, y, w, h"))
            continue
        x, y, w, h = rect
        if x < 0 or y < 0 or w < 1 or h < 1 or x + w > GRID_COLUMNS:
            found.append(
                _diag(
                    file,
                    f"{path}.gridPos",
                    "G003",
                    f"gridPos x={x} w={w} y={y} h={h} is outside the {GRID_COLUMNS}-column grid",
                )
            )
            continue
        for other_path, (ox, oy, ow, oh) in placed:
            if x < ox + ow and ox < x + w and y < oy + oh and oy < y + h:
                found.append(_diag(file, f"{path}.gridPos", "G004", f"panel overlaps {other_path}"))
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
    path: str, panel: dict[str, Any], file: str, provisioned_uids: set[str]
) -> list[Diagnostic]:
    found = []
    if panel.get("datasource") is not None:
        problem = _datasource_problem(panel["datasource"], provisioned_uids)
        if problem:
            found.append(_diag(file, f"{path}.datasource", "G005", problem))
    for index, target in enumerate(panel.get("targets") or []):
        if isinstance(target, dict) and target.get("datasource") is not None:
            problem = _datasource_problem(target["datasource"], provisioned_uids)
            if problem:
                found.append(_diag(file, f"{path}.targets[{index}].datasource", "G005", problem))
    return found


def _datasource_type(ref: Any) -> str | None:
    return ref.get("type") if isinstance(ref, dict) else None


def _check_targets(path: str, panel: dict[str, Any], file: str) -> list[Diagnostic]:
    found = []
    ref_ids: set[str] = set()
    for index, target in enumerate(panel.get("targets") or []):
        if not isinstance(target, dict):
            continue
        where = f"{path}.targets[{index}]"
        ref_id = target.get("refId")
        if not isinstance(ref_id, str) or not ref_id:
            found.append(_diag(file, f"{where}.refId", "G009", "target has no refId"))
        elif ref_id in ref_ids:
            found.append(_diag(file, f"{where}.refId", "G009", f"refId {ref_id!r} is used twice"))
        else:
            ref_ids.add(ref_id)
        kind = _datasource_type(target.get("datasource")) or _datasource_type(panel.get("datasource"))
        expr = target.get("expr")
        if kind == "prometheus" and isinstance(expr, str) and expr.strip():
            found += _check_promql(expr, f"{where}.expr", file)
    return found


def promql_for_parser(expr: str) -> str:
    """`expr` with Grafana variables replaced by values PromQL accepts (`[$__rate_interval]` -> `[5m]`)."""
    return _VARIABLE.sub("grafana_variable", _RANGE_VARIABLE.sub("5m", expr))


def _check_promql(expr: str, path: str, file: str) -> list[Diagnostic]:
    import promql_parser

    try:
        tree = promql_parser.parse(promql_for_parser(expr))
    except (ValueError, TypeError, RuntimeError) as exc:
        return [_diag(file, path, "G007", f"PromQL does not parse: {exc or 'invalid expression'}")]
    found: list[Diagnostic] = []

    def visit(node: Any) -> bool:
        is_call = isinstance(node, promql_parser.Call)
        if is_call and node.func.name == "histogram_quantile" and len(node.args) == 2:
            buckets = node.args[1]
            while isinstance(buckets, promql_parser.ParenExpr):
                buckets = buckets.expr
            if isinstance(buckets, promql_parser.AggregateExpr) and not _keeps_le(buckets):
                message = f"histogram_quantile over `{buckets}` drops the `le` label; use `sum by (le, ...)`"
                found.append(_diag(file, path, "G008", message))
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


def check_dashboard_schema(doc: Any, *, file: str, schema_path: Path) -> list[Diagnostic]:
    """Violations of the Grafana dashboard JSON schema, located by their path in the document."""
    found = []
    for error in _validator(str(schema_path)).iter_errors(doc):
        for leaf in _closest_branch(error) if error.context else [error]:
            message = leaf.message if len(leaf.message) <= 200 else leaf.message[:197] + "..."
            found.append(_diag(file, format_path(leaf.absolute_path), "G010", f"dashboard schema: {message}"))
    return sorted(set(found))
