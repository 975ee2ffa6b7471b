"""Checking what the local checkers cannot load: discovery promtool lacks, and the blackbox config.

Debian's promtool 2.42 is built without Consul and Kubernetes discovery: it refuses
`consul_sd_configs` and `kubernetes_sd_configs` as unknown fields. `monctl check` then runs
promtool on a copy without those two keys (so everything else is still checked by the real
tool) and checks the removed entries against Prometheus' configuration reference by the rules
below, saying so in the result's name. The blackbox exporter's config is checked by the real
`prometheus-blackbox-exporter --config.check`. This module holds the rules and the rewriting;
verify/tools.py runs the tools.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

# discovery kinds this promtool does not know -> the keys Prometheus' reference allows in one entry
_HTTP_CLIENT = frozenset(
    {"basic_auth", "authorization", "oauth2", "tls_config", "proxy_url", "follow_redirects", "enable_http2"}
)
UNCHECKABLE_SD: dict[str, frozenset[str]] = {
    "consul_sd_configs": _HTTP_CLIENT
    | {
        "server",
        "path_prefix",
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
    },
    "kubernetes_sd_configs": _HTTP_CLIENT
    | {"api_server", "role", "kubeconfig_file", "namespaces", "selectors", "attach_metadata"},
}
_K8S_ROLES = {"node", "service", "pod", "endpoints", "endpointslice", "ingress"}
BLACKBOX_TOOL = "prometheus-blackbox-exporter"
SECRETS_PREFIX = "/run/secrets/"


def _entry_problems(kind: str, entry: Any) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{kind} entry is not a mapping"]
    problems = [f"{kind}: unknown key {key!r}" for key in sorted(set(entry) - UNCHECKABLE_SD[kind])]
    if kind == "kubernetes_sd_configs":
        if entry.get("role") not in _K8S_ROLES:
            problems.append(
                f"kubernetes_sd_configs: role {entry.get('role')!r} is not one of {sorted(_K8S_ROLES)}"
            )
        if entry.get("api_server") and entry.get("kubeconfig_file"):
            problems.append("kubernetes_sd_configs: api_server and kubeconfig_file are mutually exclusive")
        for selector in entry.get("selectors") or []:
            if not isinstance(selector, dict) or selector.get("role") not in _K8S_ROLES:
                problems.append(f"kubernetes_sd_configs: selector {selector!r} has no valid role")
    return problems


def strip_unloadable(document: Any, base: Path) -> tuple[Any, list[str], list[str]]:
    """The config without the discovery promtool lacks, rule files made absolute; what was removed."""
    removed: list[str] = []
    problems: list[str] = []
    if not isinstance(document, dict):
        return document, removed, problems
    document = dict(document)
    document["rule_files"] = [str(base / name) for name in document.get("rule_files") or []]
    jobs = []
    for job in document.get("scrape_configs") or []:
        if isinstance(job, dict):
            job = dict(job)
            for kind in UNCHECKABLE_SD:
                if kind in job:
                    removed.append(f"{job.get('job_name')}.{kind}")
                    for entry in job.pop(kind) or []:
                        problems += [
                            f"job {job.get('job_name')!r}: {p}" for p in _entry_problems(kind, entry)
                        ]
        jobs.append(job)
    if "scrape_configs" in document:
        document["scrape_configs"] = jobs
    return document, removed, problems


def secrets_to(node: Any, directory: Path) -> Any:
    """`node` with every /run/secrets/<name> path pointed at an empty stand-in file in `directory`.

    promtool stats TLS certificate and key files; the real ones exist only where the stack runs.
    """
    if isinstance(node, dict):
        return {key: secrets_to(value, directory) for key, value in node.items()}
    if isinstance(node, list):
        return [secrets_to(value, directory) for value in node]
    if isinstance(node, str) and node.startswith(SECRETS_PREFIX) and "/" not in node[len(SECRETS_PREFIX) :]:
        stand_in = directory / node[len(SECRETS_PREFIX) :]
        stand_in.touch()
        return str(stand_in)
    return node
