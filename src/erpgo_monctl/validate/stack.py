"""What the compose stack can actually do with the spec: log files the agent can see, Docker log jobs
that read only their own containers, and a node-exporter Prometheus can reach.

Each of these passed every schema before and silently collected nothing (or the wrong thing).
"""

from __future__ import annotations

import posixpath

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.spec.observability import DockerLogJob, FileLogJob
from erpgo_monctl.validate.context import Context

# Labels that describe the host, not one application: fine on a job reading every container.
HOST_WIDE_LABELS = frozenset({"host", "hostname", "node", "env", "environment", "cluster", "region", "zone"})


def _under(path: str, directory: str) -> bool:
    clean = posixpath.normpath(path)
    root = posixpath.normpath(directory)
    return clean.startswith(root.rstrip("/") + "/") and ".." not in clean.split("/")


def _log_jobs(ctx: Context) -> list[Diagnostic]:
    logging = ctx.model.spec.logging
    if logging is None:
        return []
    found = []
    for j, job in enumerate(logging.jobs):
        for p, path in enumerate(job.paths if isinstance(job, FileLogJob) else []):
            if not _under(path, logging.host_log_dir):
                found.append(
                    ctx.diag(
                        ("logging", "jobs", j, "paths", p),
                        "E501",
                        f"{path!r} is not below logging.host_log_dir ({logging.host_log_dir}), the only "
                        "host directory the log agent mounts: write an absolute path below it, or set "
                        f"host_log_dir to a directory that holds it (e.g. {posixpath.dirname(path) or '/'})",
                    )
                )
        if isinstance(job, DockerLogJob) and not job.docker.filtered:
            for key in sorted(set(job.labels) - HOST_WIDE_LABELS):
                found.append(
                    ctx.diag(
                        ("logging", "jobs", j, "labels", key),
                        "E502",
                        f"label {key!r} would be stamped on the logs of every container of the Docker "
                        "host: select this job's containers with docker.containers: [name, ...] or "
                        "docker.container_labels: {com.docker.compose.service: name}, or remove the label",
                        key=True,
                    )
                )
    return found


def _node_exporter_target(ctx: Context) -> list[Diagnostic]:
    """The stack's node-exporter runs on the host network: its compose service name does not resolve."""
    spec = ctx.model.spec
    if spec.stack.node_exporter is None:
        return []
    found = []
    for e, exporter in enumerate(spec.exporters):
        for t, target in enumerate(exporter.targets):
            host, _, port = target.rpartition(":")
            if exporter.kind == "node" and host == "node-exporter":
                found.append(
                    ctx.diag(
                        ("exporters", e, "targets", t),
                        "E503",
                        "the stack's node-exporter shares the host's network (to report the host's "
                        "interfaces), so no container is named node-exporter: scrape "
                        f"host.docker.internal:{port} instead",
                    )
                )
    return found


def check(ctx: Context) -> list[Diagnostic]:
    return _log_jobs(ctx) + _node_exporter_target(ctx)
