"""Scrape-job pieces of prometheus.yml: HTTP client settings, service discovery, relabelling, probes.

Spec keys map one to one onto Prometheus' (`file_sd` -> `file_sd_configs`); secrets become
`/run/secrets/<name>` paths; keys left at their defaults are not written, so the output stays
the smallest config that means the same.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.resolve.model import ScrapeJob, secret_path
from erpgo_monctl.resolve.probes import ProbeScrape
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


def tls_config(tls: TLSConfig) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("ca_file", "cert_file", "key_file"):
        value = getattr(tls, key)
        if value:
            data[key] = secret_path(value)
    if tls.server_name:
        data["server_name"] = tls.server_name
    if tls.insecure_skip_verify:
        data["insecure_skip_verify"] = True
    if tls.min_version:
        data["min_version"] = tls.min_version
    return data


def http_client(client: HTTPClient) -> dict[str, Any]:
    """Prometheus' (and Alertmanager's) common HTTP client block, secrets as files."""
    data: dict[str, Any] = {}
    if client.basic_auth:
        data["basic_auth"] = {
            "username": client.basic_auth.username,
            "password_file": secret_path(client.basic_auth.password_file),
        }
    if client.authorization:
        data["authorization"] = {
            "type": client.authorization.type,
            "credentials_file": secret_path(client.authorization.credentials_file),
        }
    if client.oauth2:
        oauth: dict[str, Any] = {
            "client_id": client.oauth2.client_id,
            "client_secret_file": secret_path(client.oauth2.client_secret_file),
            "token_url": client.oauth2.token_url,
        }
        if client.oauth2.scopes:
            oauth["scopes"] = list(client.oauth2.scopes)
        if client.oauth2.endpoint_params:
            oauth["endpoint_params"] = dict(sorted(client.oauth2.endpoint_params.items()))
        data["oauth2"] = oauth
    if client.tls_config:
        data["tls_config"] = tls_config(client.tls_config)
    if client.proxy_url:
        data["proxy_url"] = client.proxy_url
    if client.follow_redirects is not None:
        data["follow_redirects"] = client.follow_redirects
    return data


def relabel(config: RelabelConfig) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if config.source_labels is not None:
        data["source_labels"] = list(config.source_labels)
    for key in ("separator", "regex", "modulus", "target_label", "replacement"):
        value = getattr(config, key)
        if value is not None:
            data[key] = value
    data["action"] = config.action
    return data


def _plain(item: Strict, keys: tuple[str, ...]) -> dict[str, Any]:
    """The given keys of `item` that are set (not None, not empty)."""
    data: dict[str, Any] = {}
    for key in keys:
        value = getattr(item, key)
        if value is None or value == [] or value == {}:
            continue
        data[key] = dict(sorted(value.items())) if isinstance(value, dict) else value
    return data


def discovery(item: Strict) -> dict[str, Any]:
    """One `<x>_sd_config` entry."""
    if isinstance(item, FileSD):
        return _plain(item, ("files", "refresh_interval"))
    if isinstance(item, DNSSD):
        return _plain(item, ("names", "type", "port", "refresh_interval"))
    if isinstance(item, HTTPSD):
        return {**_plain(item, ("url", "refresh_interval")), **http_client(item)}
    if isinstance(item, ConsulSD):
        keys = (
            "server",
            "scheme",
            "datacenter",
            "namespace",
            "partition",
            "services",
            "tags",
            "node_meta",
            "tag_separator",
            "allow_stale",
            "refresh_interval",
        )
        return {**_plain(item, keys), **http_client(item)}
    if isinstance(item, DockerSD):
        data = _plain(item, ("host", "port", "host_networking_host", "refresh_interval"))
        if item.filters:
            data["filters"] = [{"name": f.name, "values": list(f.values)} for f in item.filters]
        return {**data, **http_client(item)}
    if isinstance(item, KubernetesSD):
        data = _plain(item, ("role", "api_server"))
        if item.kubeconfig_file:
            data["kubeconfig_file"] = secret_path(item.kubeconfig_file)
        if item.namespaces:
            own: tuple[str, ...] = ("own_namespace",) if item.namespaces.own_namespace else ()
            data["namespaces"] = _plain(item.namespaces, (*own, "names"))
        if item.selectors:
            data["selectors"] = [_plain(s, ("role", "label", "field")) for s in item.selectors]
        if item.attach_metadata:
            data["attach_metadata"] = {"node": item.attach_metadata.node}
        return {**data, **http_client(item)}
    raise AssertionError(f"no renderer for {type(item).__name__}")


_LIMITS = (
    "sample_limit",
    "label_limit",
    "label_name_length_limit",
    "label_value_length_limit",
    "target_limit",
)


def settings_config(job: ScrapeJob, settings: ScrapeSettings) -> dict[str, Any]:
    """Everything of a service/exporter job after job_name, intervals and metrics_path."""
    config: dict[str, Any] = {}
    if settings.scheme != "http":
        config["scheme"] = settings.scheme
    if settings.honor_labels:
        config["honor_labels"] = True
    if settings.honor_timestamps is not None:
        config["honor_timestamps"] = settings.honor_timestamps
    if settings.params:
        config["params"] = {k: list(v) for k, v in sorted(settings.params.items())}
    config.update(_plain(settings, _LIMITS))
    config.update(http_client(settings))
    for key, items in settings.discovery().items():
        config[f"{key}_configs"] = [discovery(item) for item in items]
    if job.targets:
        static: dict[str, Any] = {"targets": list(job.targets)}
        if job.labels:
            static["labels"] = dict(sorted(job.labels.items()))
        config["static_configs"] = [static]
    if settings.relabel_configs:
        config["relabel_configs"] = [relabel(r) for r in settings.relabel_configs]
    if settings.metric_relabel_configs:
        config["metric_relabel_configs"] = [relabel(r) for r in settings.metric_relabel_configs]
    return config


def probe_config(job: ScrapeJob, probe: ProbeScrape) -> dict[str, Any]:
    """A probe job: Prometheus asks the exporter's /probe, passing each target as `target`."""
    static: dict[str, Any] = {"targets": list(job.targets)}
    if job.labels:
        static["labels"] = dict(sorted(job.labels.items()))
    return {
        "params": {"module": [probe.module]},
        "static_configs": [static],
        "relabel_configs": [
            {"source_labels": ["__address__"], "target_label": "__param_target", "action": "replace"},
            {"source_labels": ["__param_target"], "target_label": "instance", "action": "replace"},
            {"target_label": "__address__", "replacement": probe.exporter, "action": "replace"},
        ],
    }
