"""Logs on a cluster: the Alloy configuration as a ConfigMap for the Alloy Helm chart, Loki's as another.

Alloy reads pod logs through the Kubernetes API (discovery.kubernetes + loki.source.kubernetes)
instead of files or the Docker socket. Each `logging.jobs` entry keeps its processing
pipeline exactly as the compose config.alloy has it (its `loki.process` block is taken
from there) and its stream labels; what it reads becomes the pods `kubernetes.logs.<job>`
selects (namespaces, label selector), on the node the Alloy pod runs on — the chart runs
Alloy as a DaemonSet, and without the node filter every replica would ship every pod's
logs. Pods get `namespace`, `pod` and `container` labels, as the Kubernetes mixins expect.
"""

from __future__ import annotations

from typing import Any

from erpgo_monctl.render import alloy as compose_alloy
from erpgo_monctl.render import loki as compose_loki
from erpgo_monctl.render.alloy import alloy_identifier, alloy_string
from erpgo_monctl.render.kubernetes.resources import Settings, object_name, resource
from erpgo_monctl.render.loki import stream_labels
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model

POD_LABELS = {
    "__meta_kubernetes_namespace": "namespace",
    "__meta_kubernetes_pod_name": "pod",
    "__meta_kubernetes_pod_container_name": "container",
}
NODE_SELECTOR = 'field = "spec.nodeName=" + coalesce(sys.env("HOSTNAME"), constants.hostname)'


def block_text(config: str, header: str) -> str:
    """The block of an Alloy config that starts with the line `header` (`loki.process "x" {`), braces
    inside string literals skipped."""
    start = config.index("\n" + header) + 1
    depth, index, in_string = 0, start, False
    while True:
        char = config[index]
        if in_string:
            if char == "\\":
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return config[start : index + 1]
        index += 1


def _discovery(job_id: str, settings: dict[str, Any] | None) -> list[str]:
    lines = [f"discovery.kubernetes {alloy_string(job_id)} {{", '  role = "pod"']
    namespaces = (settings or {}).get("namespaces") or []
    if namespaces:
        names = ", ".join(alloy_string(n) for n in namespaces)
        lines += ["", "  namespaces {", f"    names = [{names}]", "  }"]
    lines += ["", "  selectors {", '    role  = "pod"', f"    {NODE_SELECTOR}"]
    selector = (settings or {}).get("selector")
    if selector:
        lines.append(f"    label = {alloy_string(selector)}")
    lines += ["  }", "}"]
    return lines


def _relabel(job_id: str, labels: dict[str, str]) -> list[str]:
    lines = [
        f"discovery.relabel {alloy_string(job_id)} {{",
        f"  targets = discovery.kubernetes.{job_id}.targets",
    ]
    for source, target in POD_LABELS.items():
        lines += [
            "",
            "  rule {",
            f"    source_labels = [{alloy_string(source)}]",
            f"    target_label  = {alloy_string(target)}",
            "  }",
        ]
    for name, value in labels.items():
        lines += [
            "",
            "  rule {",
            f"    target_label = {alloy_string(name)}",
            f"    replacement  = {alloy_string(value)}",
            "  }",
        ]
    return [*lines, "}"]


def alloy_kubernetes_config(model: Model, settings: Settings) -> str:
    """The Alloy configuration for the cluster, from the compose one's processing blocks."""
    assert model.spec.logging is not None
    compose = compose_alloy.alloy_config(model)
    job_settings = {name: job.model_dump() for name, job in model.spec.kubernetes.logs.items()}
    lines = [f"// {line}" if line else "//" for line in model.header.splitlines()]
    lines += [
        "//",
        "// Grafana Alloy for the Alloy Helm chart (a DaemonSet): the spec's log jobs read pod logs through",
        "// the Kubernetes API on this node; each job's pipeline is the compose config.alloy's.",
        "",
        block_text(compose, "logging {"),
    ]
    for job in model.spec.logging.jobs:
        job_id = alloy_identifier(job.name)
        lines += [
            "",
            f"// ---- job {job.name}: pod logs",
            *_discovery(job_id, job_settings.get(job.name)),
            "",
        ]
        lines += [*_relabel(job_id, stream_labels(job)), ""]
        lines += [
            f"loki.source.kubernetes {alloy_string(job_id)} {{",
            f"  targets    = discovery.relabel.{job_id}.output",
            f"  forward_to = [loki.process.{job_id}.receiver]",
            "}",
            "",
            block_text(compose, f"loki.process {alloy_string(job_id)} {{"),
        ]
    push = f"{settings.loki_url.rstrip('/')}/loki/api/v1/push"
    lines += ["", 'loki.write "default" {', "  endpoint {", f"    url = {alloy_string(push)}", "  }", "}"]
    return "\n".join(lines) + "\n"


def _load(content: bytes) -> Any:
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=False).load(content.decode("utf-8"))


def logs_resources(model: Model, settings: Settings) -> list[dict[str, Any]]:
    """The Alloy ConfigMap, and Loki's when the compose target renders a Loki config (the spec owns Loki)."""
    if model.spec.logging is None:
        return []
    name = object_name(model.spec.name)
    found = [
        resource(
            "v1",
            "ConfigMap",
            f"alloy-{name}",
            settings,
            {"data": {"config.alloy": alloy_kubernetes_config(model, settings)}},
        )
    ]
    for content in compose_loki.render(model).values():
        config = _load(content)
        if "ruler" in config:
            config["ruler"] = {**config["ruler"], "alertmanager_url": settings.alertmanager_url}
        found.append(
            resource(
                "v1",
                "ConfigMap",
                f"loki-{name}",
                settings,
                {"data": {"loki.yaml": dump_yaml(config, model.header)}},
            )
        )
    return found
