"""The static registry of render targets: a target is a name, its renderers and its layout.

`monctl render --target NAME` picks one (compose by default), so a compose user gets no
Kubernetes files. Adding a target is one module with `render(model) -> Files` (or several),
one entry in TARGETS below, and its `Layout` in resolve/layout.py's LAYOUTS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, UsageError
from erpgo_monctl.render import (
    Files,
    Renderer,
    alertmanager,
    alloy,
    blackbox,
    compose,
    grafana,
    jaeger,
    kubernetes,
    loki,
    prometheus,
    promtail,
    rules,
    runbooks,
    unit_tests,
)
from erpgo_monctl.resolve.layout import COMPOSE, KUBERNETES, Layout
from erpgo_monctl.resolve.model import Model


@dataclass(frozen=True)
class Target:
    """What `monctl render --target NAME` writes: every file its renderers produce, laid out by `layout`."""

    name: str
    description: str
    renderers: tuple[Renderer, ...]
    layout: Layout


# The configuration every target ships; a target adds how it runs them (compose file, manifests).
CONFIG_RENDERERS: tuple[Renderer, ...] = (
    prometheus.render,
    rules.render,
    alertmanager.render,
    blackbox.render,
    loki.render,
    promtail.render,
    alloy.render,
    jaeger.render,
    grafana.render,
    runbooks.render,
    unit_tests.render,
)

TARGETS: Mapping[str, Target] = MappingProxyType(
    {
        "compose": Target(
            "compose",
            "configs plus docker-compose.monitoring.yml",
            (*CONFIG_RENDERERS, compose.render),
            COMPOSE,
        ),
        "kubernetes": Target(
            "kubernetes",
            "prometheus-operator resources and a kustomization",
            (kubernetes.render,),
            KUBERNETES,
        ),
    }
)
DEFAULT_TARGET = "compose"


def target_named(name: str) -> Target:
    """The registered target `name`, or a usage error (exit 2) listing the registered ones."""
    target = TARGETS.get(name)
    if target is None:
        known = ", ".join(sorted(TARGETS))
        message = f"{name!r} is not a render target: use one of {known}"
        raise UsageError([Diagnostic("<command line>", 0, 0, "--target", "E007", "error", message)])
    return target


def render_target(model: Model, target: Target) -> Files:
    """Render every file of `target` in memory; a path claimed twice is a bug, not a silent overwrite."""
    files: Files = {}
    for renderer in target.renderers:
        for path, content in renderer(model).items():
            if path in files:
                raise MonctlError(f"internal: {path} rendered twice (second time by {renderer.__module__})")
            files[path] = content
    return dict(sorted(files.items()))
