"""Renderers: one module per target, each `render(model) -> dict[PurePosixPath, bytes]`.

Modules are imported lazily so `monctl validate` never pays for jinja2 or grafanalib.
"""

from __future__ import annotations

import importlib
from pathlib import PurePosixPath
from typing import Protocol

from erpgo_monctl.diagnostics import MonctlError
from erpgo_monctl.resolve.model import Model

Files = dict[PurePosixPath, bytes]


class Renderer(Protocol):
    def __call__(self, model: Model) -> Files: ...


# target name -> module below erpgo_monctl.render exposing `render(model) -> Files`
TARGETS: dict[str, str] = {
    "prometheus": "prometheus",
    "rules": "rules",
    "slo": "slo",
    "alertmanager": "alertmanager",
    "loki": "loki",
    "promtail": "promtail",
    "alloy": "alloy",
    "jaeger": "jaeger",
    "grafana": "grafana",
    "compose": "compose",
    "runbooks": "runbooks",
    "tests": "unit_tests",
}


def render_all(model: Model) -> Files:
    """Render every target in memory; a path claimed twice is a bug, not a silent overwrite."""
    files: Files = {}
    for target, module_name in TARGETS.items():
        renderer: Renderer = importlib.import_module(f"erpgo_monctl.render.{module_name}").render
        produced = renderer(model)
        for path, content in produced.items():
            if path in files:
                raise MonctlError(f"internal: {path} rendered twice (second time by {target})")
            files[path] = content
    return dict(sorted(files.items()))
