"""The `kubernetes:` section: settings of the prometheus-operator target (`render --target kubernetes`).

Only what the cluster decides and the spec cannot know lives here: the namespace the
resources go to, the labels the operator's selectors (ruleSelector, serviceMonitorSelector,
alertmanagerConfigSelector ...) match, how Alertmanager is configured, and the in-cluster
URLs of the servers. Everything monitored is still the rest of the spec. Like any key it is
overridable per environment (`environments.<name>.kubernetes`).
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from erpgo_monctl.spec.types import HostPort, Strict

# RFC 1123 label (namespaces) and subdomain (object names), as the API server checks them
DNS_LABEL_RE = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
DNS_SUBDOMAIN_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
# a label key: optional DNS-subdomain prefix and '/', then a name of at most 63 characters
LABEL_NAME_RE = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
LABEL_KEY_PATTERN = rf"({DNS_SUBDOMAIN_RE.pattern}/)?{LABEL_NAME_RE.pattern}"
LABEL_VALUE_RE = re.compile(rf"({LABEL_NAME_RE.pattern})?")
URL_RE = re.compile(r"https?://[^\s@/]+(/[^\s@]*)?")


def _check_namespace(value: str) -> str:
    if not DNS_LABEL_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a Kubernetes namespace: lower case letters, digits and '-', "
            "at most 63, starting and ending with a letter or digit (e.g. monitoring)"
        )
    return value


def _check_object_name(value: str) -> str:
    if len(value) > 253 or not DNS_SUBDOMAIN_RE.fullmatch(value):
        raise ValueError(
            f"{value!r} is not a Kubernetes object name: lower case letters, digits, '-' and '.' "
            "(e.g. erpgo-alertmanager)"
        )
    return value


def _check_labels(value: dict[str, str]) -> dict[str, str]:
    for key, label in value.items():
        prefix, _, name = key.rpartition("/")
        if (prefix and (len(prefix) > 253 or not DNS_SUBDOMAIN_RE.fullmatch(prefix))) or not (
            LABEL_NAME_RE.fullmatch(name)
        ):
            raise ValueError(
                f"label {key!r} is not a Kubernetes label key: an optional DNS prefix and '/', then up "
                "to 63 letters, digits, '-', '_' or '.' (e.g. release, app.kubernetes.io/part-of)"
            )
        if not LABEL_VALUE_RE.fullmatch(label):
            raise ValueError(
                f"label {key!r}: {label!r} is not a Kubernetes label value: up to 63 letters, digits, "
                "'-', '_' or '.', starting and ending with a letter or digit (e.g. kube-prometheus-stack)"
            )
    return value


def _check_url(value: str) -> str:
    if not URL_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not an http(s) URL (e.g. http://loki.monitoring.svc:3100)")
    return value


def _pattern(regex: str) -> dict[str, object]:
    return {"json_schema_extra": {"pattern": f"^(?:{regex})$"}}


Namespace = Annotated[str, AfterValidator(_check_namespace), Field(**_pattern(DNS_LABEL_RE.pattern))]
ObjectName = Annotated[
    str, AfterValidator(_check_object_name), Field(max_length=253, **_pattern(DNS_SUBDOMAIN_RE.pattern))
]
KubernetesLabels = Annotated[
    dict[str, str],
    AfterValidator(_check_labels),
    Field(
        json_schema_extra={
            "propertyNames": {"pattern": f"^(?:{LABEL_KEY_PATTERN})$"},
            "additionalProperties": {"type": "string", "pattern": f"^(?:{LABEL_VALUE_RE.pattern})$"},
        }
    ),
]
URL = Annotated[str, AfterValidator(_check_url), Field(**_pattern(URL_RE.pattern))]


class KubernetesAlertmanager(Strict):
    """How the spec's `alertmanager:` reaches an operator-managed Alertmanager."""

    mode: Literal["alertmanager_config", "secret"] = Field(
        default="alertmanager_config",
        description="alertmanager_config: a namespaced AlertmanagerConfig resource merged into the "
        "cluster's Alertmanager; secret: a Secret holding the whole alertmanager.yaml",
    )
    secret_name: ObjectName | None = Field(
        default=None,
        description="the Kubernetes Secret holding one key per *_file of the spec "
        "(default <name>-alertmanager-secrets)",
    )
    config_secret_name: ObjectName | None = Field(
        default=None,
        description="mode secret: the Secret holding alertmanager.yaml (default alertmanager-<name>)",
    )
    namespace_label: bool = Field(
        default=True,
        description="mode alertmanager_config: give every alert the label namespace=<namespace>, so the "
        "matcher the operator adds to an AlertmanagerConfig's route lets it through",
    )


class KubernetesURLs(Strict):
    """In-cluster URLs of the servers (Grafana datasources, Alloy's Loki push)."""

    prometheus: URL | None = Field(
        default=None, description="default http://prometheus-operated.<namespace>.svc:9090"
    )
    alertmanager: URL | None = Field(
        default=None, description="default http://alertmanager-operated.<namespace>.svc:9093"
    )
    loki: URL | None = Field(default=None, description="default http://loki.<namespace>.svc:<loki http_port>")
    jaeger: URL | None = Field(
        default=None, description="default http://jaeger.<namespace>.svc:<jaeger ui_port>"
    )


class KubernetesScrape(Strict):
    """How scrape jobs reach the cluster: their Secret and the blackbox exporter Probes ask."""

    secret_name: ObjectName | None = Field(
        default=None,
        description="the Kubernetes Secret holding one key per *_file of the scrape jobs (TLS files, "
        "passwords, tokens), made by you (default <name>-scrape-secrets)",
    )
    blackbox_exporter: HostPort | None = Field(
        default=None,
        description="host:port of the blackbox exporter in the cluster that Probe resources use "
        "(default blackbox-exporter.<namespace>.svc:9115)",
    )


class KubernetesLogJob(Strict):
    """Which pods a `logging.jobs` entry reads on the cluster (instead of its files or Docker API)."""

    namespaces: list[Namespace] = Field(default_factory=list, description="default: every namespace")
    selector: str | None = Field(
        default=None,
        description="Kubernetes label selector of the job's pods, e.g. app.kubernetes.io/name=erpgo-api",
    )


class Kubernetes(Strict):
    """Settings of the kubernetes render target."""

    namespace: Namespace = Field(default="monitoring", description="namespace of every resource rendered")
    labels: KubernetesLabels = Field(
        default_factory=dict,
        description="labels on every resource: what the operator's selectors match, "
        "e.g. {release: kube-prometheus-stack}",
    )
    alertmanager: KubernetesAlertmanager = Field(default_factory=KubernetesAlertmanager)
    urls: KubernetesURLs = Field(default_factory=KubernetesURLs)
    scrape: KubernetesScrape = Field(default_factory=KubernetesScrape)
    logs: dict[str, KubernetesLogJob] = Field(
        default_factory=dict,
        description="per logging.jobs name: the pods Alloy reads (a job without an entry reads every pod)",
    )
