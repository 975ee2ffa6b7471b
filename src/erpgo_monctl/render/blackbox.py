"""configs/blackbox.yml: the blackbox exporter's modules, one per `probes.modules` entry.

Only keys the exporter knows from 0.23 (Debian's, which checks it with `--config.check`)
through 0.27 (the default image) are written; defaults are left out.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.resolve.model import Model, secret_path
from erpgo_monctl.spec.probes import ProbeModule, ProbeTLS
from erpgo_monctl.spec.types import Strict

BLACKBOX_CONFIG = COMPOSE.path("blackbox")


def _set(item: Strict, keys: tuple[str, ...]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in keys:
        value = getattr(item, key)
        if value is None or value == [] or value == {} or value is False:
            continue
        data[key] = dict(sorted(value.items())) if isinstance(value, dict) else value
    return data


def _tls(tls: ProbeTLS) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key in ("ca_file", "cert_file", "key_file"):
        value = getattr(tls, key)
        if value:
            data[key] = secret_path(value)
    data.update(_set(tls, ("server_name", "insecure_skip_verify")))
    return data


def _settings(module: ProbeModule) -> dict[str, Any]:
    if module.prober == "http" and module.http:
        http = module.http
        data = _set(
            http,
            (
                "valid_status_codes",
                "valid_http_versions",
                "method",
                "headers",
                "fail_if_ssl",
                "fail_if_not_ssl",
                "fail_if_body_matches_regexp",
                "fail_if_body_not_matches_regexp",
                "preferred_ip_protocol",
                "follow_redirects",
            ),
        )
        if http.follow_redirects is False:
            data["follow_redirects"] = False
        if http.tls_config:
            data["tls_config"] = _tls(http.tls_config)
        return data
    if module.prober == "tcp" and module.tcp:
        data = _set(module.tcp, ("tls", "preferred_ip_protocol"))
        if module.tcp.tls_config:
            data["tls_config"] = _tls(module.tcp.tls_config)
        if module.tcp.query_response:
            data["query_response"] = [
                _set(q, ("expect", "send", "starttls")) for q in module.tcp.query_response
            ]
        return data
    if module.prober == "icmp" and module.icmp:
        return _set(module.icmp, ("preferred_ip_protocol", "payload_size", "dont_fragment"))
    if module.prober == "dns" and module.dns:
        return _set(
            module.dns,
            ("query_name", "query_type", "transport_protocol", "valid_rcodes", "preferred_ip_protocol"),
        )
    if module.prober == "grpc" and module.grpc:
        data = _set(module.grpc, ("service", "tls", "preferred_ip_protocol"))
        if module.grpc.tls_config:
            data["tls_config"] = _tls(module.grpc.tls_config)
        return data
    return {}


def build_blackbox_config(model: Model) -> dict[str, Any]:
    probes = model.spec.probes
    assert probes is not None
    modules: dict[str, Any] = {}
    for module in probes.modules:
        entry: dict[str, Any] = {"prober": module.prober, "timeout": module.timeout}
        settings = _settings(module)
        if settings:
            entry[module.prober] = settings
        modules[module.name] = entry
    return {"modules": modules}


def render(model: Model) -> Files:
    """Render configs/blackbox.yml when the spec has probes."""
    if model.spec.probes is None:
        return {}
    return {BLACKBOX_CONFIG: dump_yaml(build_blackbox_config(model), model.header).encode()}
