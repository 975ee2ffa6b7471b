"""The spec under construction: sections filled by each importer, then assembled in spec order.

Items are `Commented` mappings (`# from FILE:LINE` above them); `origins` keeps the full
position of each so errors found when validating the written spec point at the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.importer.context import Document, item
from erpgo_monctl.render.yaml_encoder import Commented

# The versions the rendered configs are written for (specs/erpgo.yaml pins the same).
DEFAULT_IMAGES = {
    "prometheus": "prom/prometheus:v3.5.0",
    "alertmanager": "prom/alertmanager:v0.28.1",
    "grafana": "grafana/grafana:12.2.0",
}
DEFAULT_SEVERITIES = ("critical", "warning", "info")


@dataclass
class Draft:
    prometheus: dict[str, Any] = field(default_factory=dict)
    services: list[Commented] = field(default_factory=list)
    exporters: list[Commented] = field(default_factory=list)
    metrics: list[dict[str, Any]] = field(default_factory=list)
    recording_rules: list[Commented] = field(default_factory=list)
    alerts: list[Commented] = field(default_factory=list)
    slos: list[Commented] = field(default_factory=list)
    alertmanager: dict[str, Any] | None = None
    severities: dict[str, None] = field(default_factory=dict)  # ordered set of severities alerts use
    origins: dict[int, tuple[str, int, int]] = field(default_factory=dict)
    # which input file each rule group / SLO came from (for --split)
    group_files: dict[int, str] = field(default_factory=dict)
    job_names: set[str] = field(default_factory=set)
    # SLO documents wait until every scrape job is known (an SLO belongs to one); OpenSLO SLIs by name
    deferred: list[tuple[str, Document]] = field(default_factory=list)
    openslo_slis: dict[str, tuple[Document, Any]] = field(default_factory=dict)
    openslo_slos: list[Document] = field(default_factory=list)
    alertmanager_broken: bool = False  # an Alertmanager configuration was read but could not be imported

    def is_empty(self) -> bool:
        return not (
            self.prometheus
            or self.services
            or self.exporters
            or self.recording_rules
            or self.alerts
            or self.slos
            or self.alertmanager is not None
        )

    def item(self, data: dict[str, Any], doc: Document, path: PathKey, note: str = "") -> Commented:
        made = item(data, doc, path, note)
        self.origins[id(made)] = doc.where(path)
        return made


def assemble(draft: Draft, name: str, description: str) -> dict[str, Any]:
    """The spec document, sections in the contract's order, empty sections left out."""
    spec: dict[str, Any] = {"version": 1, "name": name}
    if description:
        spec["description"] = description
    if draft.prometheus:
        spec["prometheus"] = draft.prometheus
    for key in ("services", "exporters", "metrics", "recording_rules", "alerts", "slos"):
        value = getattr(draft, key)
        if value:
            spec[key] = value
    if draft.alertmanager is not None:
        spec["alertmanager"] = draft.alertmanager
    extra = [s for s in draft.severities if s not in DEFAULT_SEVERITIES]
    if extra:
        spec["incidents"] = {
            "severities": {
                s: {"level": s, "description": "imported: say what this severity means"}
                for s in [*DEFAULT_SEVERITIES, *extra]
            }
        }
    spec["stack"] = {key: {"image": image} for key, image in DEFAULT_IMAGES.items()}
    return spec


def origins_by_path(spec: Any, draft: Draft) -> dict[PathKey, tuple[str, int, int]]:
    """Spec path -> input position, for every item that remembers one."""
    found: dict[PathKey, tuple[str, int, int]] = {}
    stack: list[tuple[PathKey, Any]] = [((), spec)]
    while stack:
        path, value = stack.pop()
        if id(value) in draft.origins:
            found[path] = draft.origins[id(value)]
        if isinstance(value, dict):
            stack.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend(((*path, i), v) for i, v in enumerate(value))
    return found
