"""Which prometheus-operator resource scrapes a job, and the ServiceMonitor, PodMonitor and Probe shapes.

A job becomes the resource a kube-prometheus-stack user would write by hand whenever that
resource scrapes exactly what the job's prometheus.yml entry scrapes:

- a blackbox probe job -> **Probe** (static targets, the exporter as prober; the operator adds
  the same `__param_target` / `instance` / `__address__` relabelling the compose render writes);
- one in-cluster `kubernetes_sd` of role `endpoints` or `endpointslice`, filtered at most by a
  `service` label selector -> **ServiceMonitor** (the selector selects Services);
- one in-cluster `kubernetes_sd` of role `pod`, filtered at most by a `pod` label selector ->
  **PodMonitor**;
- anything else (static targets, other discovery, a field selector, `own_namespace`, an API
  server or kubeconfig, several discoveries) -> **ScrapeConfig**, which carries Prometheus'
  discovery configuration as it is.

A Service/PodMonitor keeps the spec's `job` label (the operator would name the job after the
Service) by a final relabelling `job := <job name>`; the operator's own relabellings come first and
add `namespace`, `service`/`pod`, `container` and `endpoint` labels, which prometheus.yml's job does
not have. A first `keep` on the port name becomes the monitor's `port`.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from erpgo_monctl.render.kubernetes.resources import MONITORING_V1, Settings, resource
from erpgo_monctl.render.kubernetes.scrape_fields import (
    PlainValues,
    http_client,
    job_settings,
    limits,
    relabeling,
)
from erpgo_monctl.resolve.model import Model, ScrapeJob
from erpgo_monctl.spec.scrape import KubernetesSD, RelabelConfig, ScrapeSettings

MonitorKind = Literal["ServiceMonitor", "PodMonitor", "Probe", "ScrapeConfig"]

# the meta label a monitor's `port` filters on, per discovery role
PORT_LABELS = {
    "endpoints": "__meta_kubernetes_endpoint_port_name",
    "endpointslice": "__meta_kubernetes_endpointslice_port_name",
    "pod": "__meta_kubernetes_pod_container_port_name",
}
PORT_NAME_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_KEY = r"(?:[a-z0-9A-Z.\-]+/)?[A-Za-z0-9][-A-Za-z0-9_.]*"
_VALUE = r"[A-Za-z0-9][-A-Za-z0-9_.]*|"
_EQUALITY_RE = re.compile(rf"\s*({_KEY})\s*(==|=|!=)\s*({_VALUE})\s*")
_SET_RE = re.compile(rf"\s*({_KEY})\s+(in|notin)\s+\(([^()]*)\)\s*")
_EXISTS_RE = re.compile(rf"\s*(!?)\s*({_KEY})\s*")


def _terms(text: str) -> list[str] | None:
    """A selector split at the commas outside parentheses."""
    terms, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                return None
        elif char == "," and depth == 0:
            terms.append(text[start:index])
            start = index + 1
    terms.append(text[start:])
    return None if depth else terms


def label_selector(text: str | None) -> dict[str, Any] | None:
    """A Kubernetes LabelSelector object from the selector string syntax; None if not exactly one."""
    if not text:
        return {}
    terms = _terms(text)
    if terms is None:
        return None
    match_labels: dict[str, str] = {}
    expressions: list[dict[str, Any]] = []
    for term in terms:
        if found := _EQUALITY_RE.fullmatch(term):
            key, op, value = found.groups()
            if op == "!=":
                expressions.append({"key": key, "operator": "NotIn", "values": [value]})
            elif match_labels.get(key, value) != value:
                return None  # two values for one key: matches nothing; not worth a resource
            else:
                match_labels[key] = value
        elif found := _SET_RE.fullmatch(term):
            key, op, raw = found.groups()
            values = sorted({v.strip() for v in raw.split(",") if v.strip()})
            if not values:
                return None
            expressions.append({"key": key, "operator": "In" if op == "in" else "NotIn", "values": values})
        elif found := _EXISTS_RE.fullmatch(term):
            negated, key = found.groups()
            expressions.append({"key": key, "operator": "DoesNotExist" if negated else "Exists"})
        else:
            return None
    selector: dict[str, Any] = {}
    if match_labels:
        selector["matchLabels"] = dict(sorted(match_labels.items()))
    if expressions:
        selector["matchExpressions"] = expressions
    return selector


def _monitor_discovery(settings: ScrapeSettings | None) -> KubernetesSD | None:
    """The job's one in-cluster Kubernetes discovery a Service/PodMonitor can express, or None."""
    if settings is None or settings.targets:
        return None
    found = settings.discovery()
    if list(found) != ["kubernetes_sd"] or len(settings.kubernetes_sd) != 1:
        return None
    sd = settings.kubernetes_sd[0]
    in_cluster = sd.api_server is None and sd.kubeconfig_file is None
    client = any(getattr(sd, k) is not None for k in ("basic_auth", "authorization", "oauth2", "tls_config"))
    if not in_cluster or client or sd.proxy_url or sd.follow_redirects is not None:
        return None
    if sd.namespaces is not None and sd.namespaces.own_namespace:
        return None
    wanted = "pod" if sd.role == "pod" else "service"
    if sd.role not in PORT_LABELS or any(s.role != wanted or s.field for s in sd.selectors):
        return None
    if label_selector(sd.selectors[0].label if sd.selectors else None) is None:
        return None
    return sd


def monitor_kind(job: ScrapeJob) -> MonitorKind:
    if job.probe is not None:
        return "Probe"
    sd = _monitor_discovery(job.settings)
    if sd is None:
        return "ScrapeConfig"
    return "PodMonitor" if sd.role == "pod" else "ServiceMonitor"


def _lift_port(sd: KubernetesSD, relabels: list[RelabelConfig]) -> tuple[str | None, list[RelabelConfig]]:
    """A first `keep` on the port name as the monitor's `port` (the operator writes the same keep)."""
    if not relabels:
        return None, relabels
    first = relabels[0]
    plain = first.separator is None and first.target_label is None and first.replacement is None
    if (
        first.action == "keep"
        and plain
        and first.source_labels == [PORT_LABELS[sd.role]]
        and first.regex is not None
        and PORT_NAME_RE.fullmatch(first.regex)
    ):
        return first.regex, relabels[1:]
    return None, relabels


def _namespace_selector(sd: KubernetesSD) -> dict[str, Any]:
    if sd.namespaces is None or not sd.namespaces.names:
        return {"any": True}  # Prometheus' discovery without namespaces watches them all
    return {"matchNames": list(sd.namespaces.names)}


def monitor(
    model: Model, job: ScrapeJob, name: str, settings: Settings, plain: PlainValues
) -> dict[str, Any]:
    """The ServiceMonitor or PodMonitor of a job `monitor_kind` gave one of those kinds."""
    sd = _monitor_discovery(job.settings)
    assert sd is not None and job.settings is not None
    prometheus = model.spec.prometheus
    port, relabels = _lift_port(sd, list(job.settings.relabel_configs))
    endpoint: dict[str, Any] = {}
    if port:
        endpoint["port"] = port
    endpoint["path"] = job.metrics_path
    if job.scheme != "http":
        endpoint["scheme"] = job.scheme
    endpoint["interval"] = job.scrape_interval or prometheus.scrape_interval
    endpoint["scrapeTimeout"] = job.scrape_timeout or prometheus.scrape_timeout
    endpoint.update(job_settings(job.settings))
    endpoint.update(http_client(job.settings, settings, plain, name))
    endpoint["relabelings"] = [
        *(relabeling(r) for r in relabels),
        {"targetLabel": "job", "replacement": job.name, "action": "replace"},
    ]
    if job.settings.metric_relabel_configs:
        endpoint["metricRelabelings"] = [relabeling(r) for r in job.settings.metric_relabel_configs]
    selector = label_selector(sd.selectors[0].label if sd.selectors else None)
    spec: dict[str, Any] = {"selector": selector, "namespaceSelector": _namespace_selector(sd)}
    if sd.attach_metadata is not None:
        spec["attachMetadata"] = {"node": sd.attach_metadata.node}
    spec.update(limits(job.settings))
    if sd.role == "pod":
        spec["podMetricsEndpoints"] = [endpoint]
        return resource(MONITORING_V1, "PodMonitor", name, settings, {"spec": spec})
    if sd.role == "endpointslice":
        spec["serviceDiscoveryRole"] = "EndpointSlice"
    spec["endpoints"] = [endpoint]
    return resource(MONITORING_V1, "ServiceMonitor", name, settings, {"spec": spec})


def probe(model: Model, job: ScrapeJob, name: str, settings: Settings) -> dict[str, Any]:
    """A blackbox probe job as a Probe: the prober in the cluster, the module, static targets."""
    assert job.probe is not None
    prometheus = model.spec.prometheus
    static: dict[str, Any] = {"static": list(job.targets)}
    if job.labels:
        static["labels"] = dict(sorted(job.labels.items()))
    spec: dict[str, Any] = {
        "jobName": job.name,
        "interval": job.scrape_interval or prometheus.scrape_interval,
        "scrapeTimeout": job.scrape_timeout or prometheus.scrape_timeout,
        "module": job.probe.module,
        "prober": {"url": settings.blackbox_exporter, "path": "/probe"},
        "targets": {"staticConfig": static},
    }
    return resource(MONITORING_V1, "Probe", name, settings, {"spec": spec})
