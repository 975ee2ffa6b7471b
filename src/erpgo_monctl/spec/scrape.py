"""Spec models for how Prometheus finds and reaches its targets: discovery, relabelling, TLS and auth.

Keys follow Prometheus' configuration reference, restricted to what both Prometheus 3.x and the
promtool 2.42 we check with accept. Every secret is a `*_file` field; the shapes Prometheus would
refuse at load time (a `hashmod` without `modulus`, `labeldrop` with `source_labels`, a lookahead
regex) are refused here, with the reason, so nothing validate accepts fails in promtool.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from erpgo_monctl.spec.types import (
    Duration,
    HostPort,
    Interval,
    MetricsPath,
    Regex,
    SecretFile,
    ServerURL,
    Strict,
)

# relabel target_label of `replace`: a label name, or one built from ${1}/$name references
_TEMPLATED_LABEL_RE = re.compile(r"(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*")
_SOURCE_LABEL_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")


class TLSConfig(Strict):
    """Prometheus' `tls_config`: files only (the CA is public, the key is a secret; both are files)."""

    ca_file: SecretFile | None = None
    cert_file: SecretFile | None = None
    key_file: SecretFile | None = None
    server_name: str | None = None
    insecure_skip_verify: bool = False
    min_version: Literal["TLS10", "TLS11", "TLS12", "TLS13"] | None = None

    @model_validator(mode="after")
    def _cert_and_key(self) -> TLSConfig:
        if (self.cert_file is None) != (self.key_file is None):
            raise ValueError("a client certificate needs both cert_file and key_file (or neither)")
        return self


class BasicAuth(Strict):
    username: str = Field(min_length=1)
    password_file: SecretFile


class Authorization(Strict):
    type: str = Field(default="Bearer", pattern=r"^[A-Za-z][A-Za-z0-9_-]*$")
    credentials_file: SecretFile


class OAuth2(Strict):
    client_id: str = Field(min_length=1)
    client_secret_file: SecretFile
    token_url: ServerURL
    scopes: list[str] = Field(default_factory=list)
    endpoint_params: dict[str, str] = Field(default_factory=dict)


class HTTPClient(Strict):
    """The HTTP client settings Prometheus shares between scrapes and HTTP-based discovery."""

    tls_config: TLSConfig | None = None
    basic_auth: BasicAuth | None = None
    authorization: Authorization | None = None
    oauth2: OAuth2 | None = None
    proxy_url: ServerURL | None = None
    follow_redirects: bool | None = None

    @model_validator(mode="after")
    def _one_auth(self) -> HTTPClient:
        given = [k for k in ("basic_auth", "authorization", "oauth2") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(
                f"give at most one of basic_auth, authorization, oauth2 (found {', '.join(given)}); "
                "Prometheus refuses more than one"
            )
        return self


RelabelAction = Literal[
    "replace",
    "keep",
    "drop",
    "keepequal",
    "dropequal",
    "hashmod",
    "labelmap",
    "labeldrop",
    "labelkeep",
    "lowercase",
    "uppercase",
]
# actions that write `target_label`, and those that need `source_labels` to mean anything
_NEEDS_TARGET = {"replace", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"}
_NEEDS_SOURCE = {"keep", "drop", "hashmod", "lowercase", "uppercase", "keepequal", "dropequal"}
_REGEX_ONLY = {"labeldrop", "labelkeep"}
_EQUAL = {"keepequal", "dropequal"}


class RelabelConfig(Strict):
    """One `relabel_config`; which fields an action needs or forbids is checked per action."""

    action: RelabelAction = "replace"
    source_labels: list[str] | None = None
    separator: str | None = None
    regex: Regex | None = Field(default=None, description="RE2, anchored by Prometheus as ^(?:regex)$")
    modulus: int | None = Field(default=None, gt=0)
    target_label: str | None = None
    replacement: str | None = None

    @field_validator("source_labels")
    @classmethod
    def _source_names(cls, value: list[str] | None) -> list[str] | None:
        for name in value or []:
            if not _SOURCE_LABEL_RE.fullmatch(name):
                raise ValueError(f"{name!r} is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)")
        return value

    @model_validator(mode="after")
    def _fields_per_action(self) -> RelabelConfig:
        problem = relabel_problem(self)
        if problem:
            raise ValueError(problem)
        return self


def relabel_problem(config: RelabelConfig) -> str | None:
    """What Prometheus (or, stricter, the meaning of the action) refuses in `config`, or None."""
    action = config.action
    if action in _REGEX_ONLY:
        extra = [
            k
            for k in ("source_labels", "separator", "modulus", "target_label", "replacement")
            if getattr(config, k) is not None
        ]
        if extra or config.regex is None:
            fix = f"remove {', '.join(extra)}" if extra else "add regex"
            return f"the {action} action takes only `regex` (the label names it matches); {fix}"
        return None
    if action in _EQUAL:
        extra = [
            k for k in ("separator", "regex", "modulus", "replacement") if getattr(config, k) is not None
        ]
        if extra:
            return f"the {action} action takes only source_labels and target_label; remove {', '.join(extra)}"
    if action in _NEEDS_SOURCE and not config.source_labels:
        return f"the {action} action needs `source_labels` (the labels whose values it reads)"
    if action in _NEEDS_TARGET and not config.target_label:
        return f"the {action} action needs `target_label` (the label it writes)"
    if action == "hashmod" and config.modulus is None:
        return "the hashmod action needs `modulus` (a positive integer, e.g. the shard count)"
    if action != "hashmod" and config.modulus is not None:
        return f"`modulus` is only used by the hashmod action, not {action}; remove it"
    if config.target_label is not None:
        pattern = _TEMPLATED_LABEL_RE if action == "replace" else _SOURCE_LABEL_RE
        if not pattern.fullmatch(config.target_label):
            form = (
                "a label name, or one built from ${1}-style references"
                if action == "replace"
                else "a label name"
            )
            return f"{config.target_label!r} is not a valid target_label for {action} ({form})"
    if action == "labelmap":
        if config.regex is None:
            return "the labelmap action needs `regex` (the label names to copy, e.g. __meta_consul_tag_(.+))"
        if config.replacement is not None and not _TEMPLATED_LABEL_RE.fullmatch(config.replacement):
            return (
                f"{config.replacement!r} is not a valid labelmap replacement: it must expand to a label name"
            )
    return None


class FileSD(Strict):
    files: list[str] = Field(
        min_length=1, description="paths as Prometheus sees them; a glob only in the last element"
    )
    refresh_interval: Duration | None = None

    @field_validator("files")
    @classmethod
    def _extensions(cls, value: list[str]) -> list[str]:
        for path in value:
            if not re.search(r"\.(json|ya?ml)$", path):
                raise ValueError(
                    f"{path!r}: file_sd files end in .json, .yml or .yaml (Prometheus refuses others)"
                )
            if re.search(r"[*?\[]", path.rsplit("/", 1)[0] if "/" in path else ""):
                raise ValueError(f"{path!r}: a glob is only allowed in the last path element")
        return value


class DNSSD(Strict):
    names: list[str] = Field(min_length=1)
    type: Literal["SRV", "A", "AAAA", "MX"] = "SRV"
    port: int | None = Field(default=None, gt=0, lt=65536)
    refresh_interval: Duration | None = None

    @model_validator(mode="after")
    def _port_unless_srv(self) -> DNSSD:
        if self.type == "SRV" and self.port is not None:
            raise ValueError("SRV records carry their own port: remove `port` (or use type A/AAAA/MX)")
        if self.type != "SRV" and self.port is None:
            raise ValueError(f"a type {self.type} lookup needs `port` (the port to scrape on each address)")
        return self


class HTTPSD(HTTPClient):
    url: ServerURL
    refresh_interval: Duration | None = None


class ConsulSD(HTTPClient):
    """Consul catalog discovery; the ACL token goes in `authorization.credentials_file` (Bearer)."""

    server: HostPort = "localhost:8500"
    scheme: Literal["http", "https"] | None = None
    datacenter: str | None = None
    namespace: str | None = None
    partition: str | None = None
    services: list[str] = Field(default_factory=list, description="empty: every service")
    tags: list[str] = Field(default_factory=list)
    node_meta: dict[str, str] = Field(default_factory=dict)
    tag_separator: str | None = None
    allow_stale: bool | None = None
    refresh_interval: Duration | None = None


class DockerFilter(Strict):
    name: str = Field(min_length=1)
    values: list[str] = Field(min_length=1)


class DockerSD(HTTPClient):
    host: str = Field(default="unix:///var/run/docker.sock", pattern=r"^(unix|tcp|https?)://\S+$")
    port: int = Field(default=80, gt=0, lt=65536, description="port when a container publishes none")
    host_networking_host: str | None = None
    filters: list[DockerFilter] = Field(default_factory=list)
    refresh_interval: Duration | None = None


KubernetesRole = Literal["node", "service", "pod", "endpoints", "endpointslice", "ingress"]
# the selector roles each discovery role may filter on (Prometheus discovery/kubernetes)
SELECTOR_ROLES: dict[str, frozenset[str]] = {
    "node": frozenset({"node"}),
    "service": frozenset({"service"}),
    "pod": frozenset({"pod"}),
    "ingress": frozenset({"ingress"}),
    "endpoints": frozenset({"endpoints", "pod", "service"}),
    "endpointslice": frozenset({"endpointslice", "pod", "service"}),
}


class KubernetesNamespaces(Strict):
    """Which namespaces discovery watches (Prometheus `namespaces`); neither field: every namespace.

    A ServiceMonitor/PodMonitor's `namespaceSelector.matchNames` is `names`; `own_namespace` is the
    namespace Prometheus itself runs in.
    """

    own_namespace: bool = Field(default=False, description="also the namespace Prometheus runs in")
    names: list[str] = Field(default_factory=list, description="namespaces by name")


class KubernetesSelector(Strict):
    """A label and/or field selector the API server applies to objects of `role` (server-side filtering).

    For the `endpoints`/`endpointslice` roles it may filter the pods and services behind them too
    (SELECTOR_ROLES). A ServiceMonitor's or PodMonitor's `selector.matchLabels` is a `label` selector
    on the `service` or `pod` role.
    """

    role: KubernetesRole
    label: str | None = Field(default=None, description='label selector, e.g. "app=erpgo,tier!=test"')
    field: str | None = Field(default=None, description='field selector, e.g. "metadata.name=api"')

    @model_validator(mode="after")
    def _something(self) -> KubernetesSelector:
        if not self.label and not self.field:
            raise ValueError("a selector needs `label` or `field` (or both)")
        return self


class AttachMetadata(Strict):
    """Extra metadata on discovered targets (Prometheus `attach_metadata`)."""

    node: bool = Field(default=False, description="add __meta_kubernetes_node_* of the pod's node")


class KubernetesSD(HTTPClient):
    """Kubernetes discovery: Prometheus' `kubernetes_sd_configs` entry, key for key.

    Debian's promtool 2.42 cannot load it, so `monctl check` checks it against the configuration
    reference by its own rules (verify/scrape.py). `role` is what a target is: a `pod`
    (PodMonitor), an `endpoints`/`endpointslice` address behind a Service (ServiceMonitor), a
    `service` or `ingress` (Probe), a `node`. The HTTP client fields (TLS, auth) reach the API
    server; without `api_server` and `kubeconfig_file` Prometheus uses its in-cluster account.
    """

    role: KubernetesRole = Field(description="the kind of object each target is")
    api_server: ServerURL | None = Field(default=None, description="API server URL; absent: in-cluster")
    kubeconfig_file: SecretFile | None = Field(
        default=None, description="a kubeconfig in the secrets directory (instead of api_server and auth)"
    )
    namespaces: KubernetesNamespaces | None = Field(default=None, description="absent: every namespace")
    selectors: list[KubernetesSelector] = Field(
        default_factory=list, description="server-side filters, at most one per role"
    )
    attach_metadata: AttachMetadata | None = Field(
        default=None, description="pod, endpoints and endpointslice roles only"
    )

    @model_validator(mode="after")
    def _consistent(self) -> KubernetesSD:
        if self.kubeconfig_file and self.api_server:
            raise ValueError("give api_server or kubeconfig_file, not both")
        if self.kubeconfig_file and any(
            getattr(self, k) is not None for k in ("basic_auth", "authorization", "oauth2", "tls_config")
        ):
            raise ValueError(
                "with kubeconfig_file, credentials come from the kubeconfig: remove the auth/TLS keys"
            )
        allowed = SELECTOR_ROLES[self.role]
        seen: set[str] = set()
        for selector in self.selectors:
            if selector.role not in allowed:
                raise ValueError(
                    f"selectors: role {selector.role!r} cannot filter a {self.role!r} discovery "
                    f"(allowed: {', '.join(sorted(allowed))})"
                )
            if selector.role in seen:
                raise ValueError(f"selectors: role {selector.role!r} is given twice; merge them into one")
            seen.add(selector.role)
        if self.attach_metadata and self.role not in ("pod", "endpoints", "endpointslice"):
            raise ValueError("attach_metadata applies to the pod, endpoints and endpointslice roles only")
        return self


class ScrapeSettings(HTTPClient):
    """What services and exporters share: discovery, relabelling, security and limits of one job."""

    targets: list[HostPort] = Field(default_factory=list, description="static targets (host:port)")
    file_sd: list[FileSD] = Field(default_factory=list)
    dns_sd: list[DNSSD] = Field(default_factory=list)
    http_sd: list[HTTPSD] = Field(default_factory=list)
    consul_sd: list[ConsulSD] = Field(default_factory=list)
    docker_sd: list[DockerSD] = Field(default_factory=list)
    kubernetes_sd: list[KubernetesSD] = Field(default_factory=list)
    metrics_path: MetricsPath = "/metrics"
    scheme: Literal["http", "https"] = "http"
    scrape_interval: Interval | None = None
    scrape_timeout: Interval | None = None
    honor_labels: bool = False
    honor_timestamps: bool | None = None
    params: dict[str, list[str]] = Field(default_factory=dict, description="URL query parameters")
    sample_limit: int | None = Field(default=None, ge=0)
    label_limit: int | None = Field(default=None, ge=0)
    label_name_length_limit: int | None = Field(default=None, ge=0)
    label_value_length_limit: int | None = Field(default=None, ge=0)
    target_limit: int | None = Field(default=None, ge=0)
    relabel_configs: list[RelabelConfig] = Field(default_factory=list)
    metric_relabel_configs: list[RelabelConfig] = Field(default_factory=list)

    def discovery(self) -> dict[str, list[Strict]]:
        """Each non-empty discovery list by its Prometheus key (`file_sd` -> `file_sd_configs`)."""
        found: dict[str, list[Strict]] = {}
        for key in ("file_sd", "dns_sd", "http_sd", "consul_sd", "docker_sd", "kubernetes_sd"):
            items = getattr(self, key)
            if items:
                found[key] = list(items)
        return found

    @model_validator(mode="after")
    def _some_targets(self) -> ScrapeSettings:
        if not self.targets and not self.discovery():
            raise ValueError(
                "a scrape job needs `targets:` or a discovery (file_sd, dns_sd, http_sd, consul_sd, "
                "docker_sd, kubernetes_sd)"
            )
        if self.scheme == "http" and self.tls_config is not None:
            raise ValueError("tls_config is set but scheme is http: write `scheme: https`")
        return self
