"""A scrape job's settings in prometheus-operator's shapes (camelCase keys, secrets by reference).

The operator never reads a secret from a file path: every `*_file` of the spec becomes a
SecretKeySelector naming one key of the scrape Secret (`kubernetes.scrape.secret_name`, made by
the user, never by monctl; the key is the file's name, as for Alertmanager's Secret). A basic-auth
username and an OAuth2 client id are plain strings in Prometheus but Secret references for the
operator: they go into a second Secret that monctl renders (`PlainValues`), holding only those
non-secret values of the spec, keyed by the resource and the place they come from.

Everything else maps one to one onto the keys Prometheus' configuration has, so the rendered
resources scrape what prometheus.yml scrapes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl.render.kubernetes.resources import Settings
from erpgo_monctl.render.scrape import relabel
from erpgo_monctl.spec.scrape import (
    DNSSD,
    HTTPSD,
    ConsulSD,
    DockerSD,
    FileSD,
    HTTPClient,
    KubernetesSD,
    RelabelConfig,
    ScrapeSettings,
    TLSConfig,
)
from erpgo_monctl.spec.types import Strict

SD_KEYS = {
    "file_sd": "fileSDConfigs",
    "dns_sd": "dnsSDConfigs",
    "http_sd": "httpSDConfigs",
    "consul_sd": "consulSDConfigs",
    "docker_sd": "dockerSDConfigs",
    "kubernetes_sd": "kubernetesSDConfigs",
}
# Prometheus' lower-case discovery roles as the ScrapeConfig CRD spells them
KUBERNETES_ROLES = {
    "node": "Node",
    "service": "Service",
    "pod": "Pod",
    "endpoints": "Endpoints",
    "endpointslice": "EndpointSlice",
    "ingress": "Ingress",
}
LIMITS = {
    "sample_limit": "sampleLimit",
    "target_limit": "targetLimit",
    "label_limit": "labelLimit",
    "label_name_length_limit": "labelNameLengthLimit",
    "label_value_length_limit": "labelValueLengthLimit",
}


def secret_ref(file: str, settings: Settings) -> dict[str, str]:
    """The SecretKeySelector standing for a spec `*_file` (a bare name or an absolute path)."""
    return {"name": settings.scrape_secret_name, "key": PurePosixPath(file).name}


@dataclass
class PlainValues:
    """The spec's plain values the operator wants by Secret reference; rendered as one Secret."""

    secret_name: str
    values: dict[str, str] = field(default_factory=dict)

    def ref(self, key: str, value: str) -> dict[str, str]:
        self.values[key] = value
        return {"name": self.secret_name, "key": key}


def tls_config(tls: TLSConfig, settings: Settings) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if tls.ca_file:
        data["ca"] = {"secret": secret_ref(tls.ca_file, settings)}
    if tls.cert_file:
        data["cert"] = {"secret": secret_ref(tls.cert_file, settings)}
    if tls.key_file:
        data["keySecret"] = secret_ref(tls.key_file, settings)
    if tls.server_name:
        data["serverName"] = tls.server_name
    if tls.insecure_skip_verify:
        data["insecureSkipVerify"] = True
    if tls.min_version:
        data["minVersion"] = tls.min_version
    return data


def http_client(client: HTTPClient, settings: Settings, plain: PlainValues, where: str) -> dict[str, Any]:
    """The common HTTP client block: basicAuth, authorization, oauth2, tlsConfig, proxy, redirects.

    `where` names the place (resource and discovery entry) so PlainValues' keys stay distinct.
    """
    data: dict[str, Any] = {}
    if client.basic_auth:
        data["basicAuth"] = {
            "username": plain.ref(f"{where}.username", client.basic_auth.username),
            "password": secret_ref(client.basic_auth.password_file, settings),
        }
    if client.authorization:
        data["authorization"] = {
            "type": client.authorization.type,
            "credentials": secret_ref(client.authorization.credentials_file, settings),
        }
    if client.oauth2:
        oauth: dict[str, Any] = {
            "clientId": {"secret": plain.ref(f"{where}.client_id", client.oauth2.client_id)},
            "clientSecret": secret_ref(client.oauth2.client_secret_file, settings),
            "tokenUrl": client.oauth2.token_url,
        }
        if client.oauth2.scopes:
            oauth["scopes"] = list(client.oauth2.scopes)
        if client.oauth2.endpoint_params:
            oauth["endpointParams"] = dict(sorted(client.oauth2.endpoint_params.items()))
        data["oauth2"] = oauth
    if client.tls_config:
        data["tlsConfig"] = tls_config(client.tls_config, settings)
    if client.proxy_url:
        data["proxyUrl"] = client.proxy_url
    if client.follow_redirects is not None:
        data["followRedirects"] = client.follow_redirects
    return data


def relabeling(config: RelabelConfig) -> dict[str, Any]:
    """prometheus.yml's relabel entry (render/scrape.py) with the CRD's key names."""
    return {_CAMEL.get(key, key): value for key, value in relabel(config).items()}


_CAMEL = {"source_labels": "sourceLabels", "target_label": "targetLabel"}


def _set(item: Strict, keys: dict[str, str]) -> dict[str, Any]:
    """`item`'s keys that are set (not None, not empty), renamed."""
    data: dict[str, Any] = {}
    for key, camel in keys.items():
        value = getattr(item, key)
        if value is None or value == [] or value == {}:
            continue
        data[camel] = dict(sorted(value.items())) if isinstance(value, dict) else value
    return data


def discovery(item: Strict, settings: Settings, plain: PlainValues, where: str) -> dict[str, Any]:
    """One `<x>SDConfigs` entry of a ScrapeConfig."""
    if isinstance(item, FileSD):
        return _set(item, {"files": "files", "refresh_interval": "refreshInterval"})
    if isinstance(item, DNSSD):
        keys = {"names": "names", "type": "type", "port": "port", "refresh_interval": "refreshInterval"}
        return _set(item, keys)
    client = http_client(item, settings, plain, where) if isinstance(item, HTTPClient) else {}
    if isinstance(item, HTTPSD):
        return {**_set(item, {"url": "url", "refresh_interval": "refreshInterval"}), **client}
    if isinstance(item, ConsulSD):
        keys = {
            "server": "server",
            "scheme": "scheme",
            "datacenter": "datacenter",
            "namespace": "namespace",
            "partition": "partition",
            "services": "services",
            "tags": "tags",
            "node_meta": "nodeMeta",
            "tag_separator": "tagSeparator",
            "allow_stale": "allowStale",
            "refresh_interval": "refreshInterval",
        }
        return {**_set(item, keys), **client}
    if isinstance(item, DockerSD):
        keys = {"host": "host", "port": "port", "host_networking_host": "hostNetworkingHost"}
        data = _set(item, {**keys, "refresh_interval": "refreshInterval"})
        if item.filters:
            data["filters"] = [{"name": f.name, "values": list(f.values)} for f in item.filters]
        return {**data, **client}
    if isinstance(item, KubernetesSD):
        data = {"role": KUBERNETES_ROLES[item.role], **_set(item, {"api_server": "apiServer"})}
        if item.namespaces:
            namespaces: dict[str, Any] = {}
            if item.namespaces.own_namespace:
                namespaces["ownNamespace"] = True
            if item.namespaces.names:
                namespaces["names"] = list(item.namespaces.names)
            data["namespaces"] = namespaces
        if item.selectors:
            data["selectors"] = [
                {"role": KUBERNETES_ROLES[s.role], **_set(s, {"label": "label", "field": "field"})}
                for s in item.selectors
            ]
        if item.attach_metadata:
            data["attachMetadata"] = {"node": item.attach_metadata.node}
        return {**data, **client}
    raise AssertionError(f"no renderer for {type(item).__name__}")


def job_settings(job_settings: ScrapeSettings | None) -> dict[str, Any]:
    """Scheme, honor_*, params and limits: the keys every scrape resource spells the same way."""
    if job_settings is None:
        return {}
    data: dict[str, Any] = {}
    if job_settings.honor_labels:
        data["honorLabels"] = True
    if job_settings.honor_timestamps is not None:
        data["honorTimestamps"] = job_settings.honor_timestamps
    if job_settings.params:
        data["params"] = {k: list(v) for k, v in sorted(job_settings.params.items())}
    return data


def limits(job_settings: ScrapeSettings | None) -> dict[str, Any]:
    return {} if job_settings is None else _set(job_settings, LIMITS)
