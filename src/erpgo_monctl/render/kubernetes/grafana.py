"""Grafana for kube-prometheus-stack's sidecars: dashboards and datasources as labelled ConfigMaps.

The Grafana chart's sidecars load every ConfigMap labelled `grafana_dashboard: "1"`
(dashboards) and `grafana_datasource: "1"` (datasources) in the namespaces they watch.
The dashboard JSON is byte for byte the compose target's; the datasources are the
compose ones with in-cluster URLs (kubernetes.urls). A dashboard's folder goes in the
`grafana_folder` annotation, which the sidecar reads when its `folderAnnotation` is set
to that name.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import grafana as compose_grafana
from erpgo_monctl.render.kubernetes.resources import Settings, object_name, resource, unique_names
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model

DASHBOARD_LABEL = {"grafana_dashboard": "1"}
DATASOURCE_LABEL = {"grafana_datasource": "1"}
FOLDER_ANNOTATION = "grafana_folder"


def _load(content: bytes) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=False).load(content.decode("utf-8"))


def grafana_resources(model: Model, settings: Settings) -> list[dict[str, Any]]:
    """One ConfigMap per dashboard, then one with every datasource."""
    compose = compose_grafana.render(model)
    by_name = {path.name: content for path, content in compose.items()}
    uids = [model.dashboard_uid(index) for index in range(len(model.dashboards))]
    names = unique_names([f"grafana-dashboard-{object_name(uid)}" for uid in uids])
    found = []
    for index, (uid, name) in enumerate(zip(uids, names, strict=True)):
        folder = model.dashboard_folder(model.dashboards[index])  # its own, stack.grafana.folder, the name
        found.append(
            resource(
                "v1",
                "ConfigMap",
                name,
                settings,
                {"data": {f"{uid}.json": by_name[f"{uid}.json"].decode("utf-8")}},
                labels=DASHBOARD_LABEL,
                annotations={FOLDER_ANNOTATION: folder},
            )
        )
    found.append(datasources_config_map(model, settings, _load(by_name["datasources.yml"])))
    return found


def datasources_config_map(model: Model, settings: Settings, provisioning: dict[str, Any]) -> dict[str, Any]:
    urls = {
        "prometheus": settings.prometheus_url,
        "alertmanager": settings.alertmanager_url,
        "loki": settings.loki_url,
        "jaeger": settings.jaeger_url,
    }
    datasources = [{**d, "url": urls.get(d["type"], d["url"])} for d in provisioning["datasources"]]
    document = {**provisioning, "datasources": datasources}
    return resource(
        "v1",
        "ConfigMap",
        f"grafana-datasources-{object_name(model.spec.name)}",
        settings,
        {"data": {"datasources.yaml": dump_yaml(document, model.header)}},
        labels=DATASOURCE_LABEL,
    )
