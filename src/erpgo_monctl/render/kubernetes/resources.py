"""What every Kubernetes resource of the target shares: its settings, metadata, file name and encoding.

One resource per file (`<kind>-<name>.yaml`, kind lower-cased), every resource in the
spec's namespace with the labels the operator's selectors match, plus the standard
`app.kubernetes.io/*` labels that say which tool made it and for which spec.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model

MONITORING_V1 = "monitoring.coreos.com/v1"
MONITORING_V1ALPHA1 = "monitoring.coreos.com/v1alpha1"
# Secrets the operator mounts into Alertmanager pods (Alertmanager CR `spec.secrets`) land here
ALERTMANAGER_SECRETS_MOUNT = "/etc/alertmanager/secrets"


@dataclass(frozen=True)
class Settings:
    """The spec's `kubernetes:` section with every default applied (names derive from the spec's name)."""

    namespace: str
    labels: dict[str, str]  # on every resource: the selectors' labels, then ours
    alertmanager_mode: str
    secret_name: str  # the Secret with one key per *_file of the spec (made by the user, never by us)
    config_secret_name: str  # mode secret: the Secret holding alertmanager.yaml
    namespace_label: bool
    prometheus_url: str
    alertmanager_url: str
    loki_url: str
    jaeger_url: str
    scrape_secret_name: str  # the Secret with the scrape jobs' *_file keys (made by the user)
    scrape_values_secret_name: str  # rendered: plain values the operator wants by reference
    blackbox_exporter: str  # host:port of the cluster's blackbox exporter (Probe prober)


def settings(model: Model) -> Settings:
    spec = model.spec
    k8s = spec.kubernetes
    ns = k8s.namespace
    labels = {
        **k8s.labels,
        "app.kubernetes.io/managed-by": "monctl",
        "app.kubernetes.io/part-of": spec.name,
    }
    loki_port = spec.logging.loki.http_port if spec.logging is not None else 3100
    jaeger_port = spec.tracing.jaeger.ui_port if spec.tracing is not None and spec.tracing.jaeger else 16686
    return Settings(
        namespace=ns,
        labels=labels,
        alertmanager_mode=k8s.alertmanager.mode,
        secret_name=k8s.alertmanager.secret_name or f"{spec.name}-alertmanager-secrets",
        config_secret_name=k8s.alertmanager.config_secret_name or f"alertmanager-{spec.name}",
        namespace_label=k8s.alertmanager.namespace_label and k8s.alertmanager.mode == "alertmanager_config",
        prometheus_url=k8s.urls.prometheus or f"http://prometheus-operated.{ns}.svc:9090",
        alertmanager_url=k8s.urls.alertmanager or f"http://alertmanager-operated.{ns}.svc:9093",
        loki_url=k8s.urls.loki or f"http://loki.{ns}.svc:{loki_port}",
        jaeger_url=k8s.urls.jaeger or f"http://jaeger.{ns}.svc:{jaeger_port}",
        scrape_secret_name=k8s.scrape.secret_name or f"{spec.name}-scrape-secrets",
        scrape_values_secret_name=f"{spec.name}-scrape-values",
        blackbox_exporter=k8s.scrape.blackbox_exporter or f"blackbox-exporter.{ns}.svc:9115",
    )


def object_name(text: str) -> str:
    """A DNS-1123 subdomain from any name: lower case, runs of other characters become '-'."""
    parts = [re.sub(r"[^a-z0-9]+", "-", part).strip("-") for part in text.lower().split(".")]
    return ".".join(part for part in parts if part)[:253].rstrip("-.") or "unnamed"


def unique_names(names: list[str]) -> list[str]:
    """`names` made distinct in order: a name already taken gets -2, -3 ... (after object_name)."""
    taken: set[str] = set()
    result = []
    for name in names:
        candidate, n = name, 1
        while candidate in taken:
            n += 1
            candidate = f"{name[: 250 - len(str(n))]}-{n}"
        taken.add(candidate)
        result.append(candidate)
    return result


def resource(
    api_version: str,
    kind: str,
    name: str,
    settings: Settings,
    body: dict[str, Any],
    *,
    labels: dict[str, str] | None = None,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One Kubernetes object: apiVersion, kind, metadata (namespace, labels), then `body` (spec/data)."""
    metadata: dict[str, Any] = {
        "name": name,
        "namespace": settings.namespace,
        "labels": {**settings.labels, **(labels or {})},
    }
    if annotations:
        metadata["annotations"] = annotations
    return {"apiVersion": api_version, "kind": kind, "metadata": metadata, **body}


def resource_path(document: dict[str, Any]) -> PurePosixPath:
    """`<kind>-<name>.yaml` at the root of the output directory."""
    return PurePosixPath(f"{document['kind'].lower()}-{document['metadata']['name']}.yaml")


def encode(model: Model, document: dict[str, Any]) -> bytes:
    return dump_yaml(document, model.header).encode()
