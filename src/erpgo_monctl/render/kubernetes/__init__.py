"""The kubernetes target (`render --target kubernetes`): prometheus-operator resources from the model.

A transform over what the compose target renders (Sloth's k8stransform is the model): the
same rule groups become PrometheusRules, the same scrape jobs ScrapeConfigs, the same routes
and receivers an AlertmanagerConfig (or a Secret with alertmanager.yaml), the same dashboards
and datasources labelled ConfigMaps for Grafana's sidecars; the same runbooks and unit tests
are written beside them, and a kustomization.yaml lists every resource so `kubectl apply -k
DIR` applies the lot. One resource per file, `<kind>-<name>.yaml`, at the root of the output
directory (SPEC.md's layout).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl.diagnostics import MonctlError
from erpgo_monctl.render import Files
from erpgo_monctl.render import runbooks as compose_runbooks
from erpgo_monctl.render.kubernetes.alertmanager import alertmanager_resources
from erpgo_monctl.render.kubernetes.grafana import grafana_resources
from erpgo_monctl.render.kubernetes.logs import logs_resources
from erpgo_monctl.render.kubernetes.resources import encode, resource_path, settings
from erpgo_monctl.render.kubernetes.rules import prometheus_rule, rule_resources
from erpgo_monctl.render.kubernetes.scrape import scrape_resources
from erpgo_monctl.render.kubernetes.unit_tests import render_unit_tests
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model

KUSTOMIZATION = PurePosixPath("kustomization.yaml")


def kubernetes_resources(model: Model) -> list[dict[str, Any]]:
    """Every Kubernetes object of the target, in kustomization order."""
    config = settings(model)
    rules = rule_resources(model, config)
    return [
        *(prometheus_rule(rule, config) for rule in rules),
        *scrape_resources(model, config),
        *alertmanager_resources(model, config),
        *grafana_resources(model, config),
        *logs_resources(model, config),
    ]


def kustomization(paths: list[PurePosixPath]) -> dict[str, Any]:
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": sorted(str(path) for path in paths),
    }


def render(model: Model) -> Files:
    """Every file of the kubernetes target in memory: resources, kustomization.yaml, runbooks/, tests/."""
    config = settings(model)
    files: Files = {}
    for document in kubernetes_resources(model):
        path = resource_path(document)
        if path in files:
            raise MonctlError(f"internal: {path} rendered twice")
        files[path] = encode(model, document)
    files[KUSTOMIZATION] = dump_yaml(kustomization(list(files)), model.header).encode()
    files.update(compose_runbooks.render(model))
    files.update(render_unit_tests(model, rule_resources(model, config), config))
    return dict(sorted(files.items()))
