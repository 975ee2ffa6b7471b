"""Render `configs/alloy/config.alloy`: the log jobs as a Grafana Alloy pipeline (the default agent)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.loki import docker_filters, go_duration, push_url, stream_labels
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.observability import DockerLogJob, FileLogJob

ALLOY_CONFIG = COMPOSE.path("alloy")
TEMPLATE = "config.alloy.j2"


def alloy_string(value: object) -> str:
    """An Alloy string literal: double-quoted, with backslash escapes for quotes, backslashes and controls."""
    escaped: list[str] = []
    for char in str(value):
        if char in ('"', "\\"):
            escaped.append("\\" + char)
        elif char == "\n":
            escaped.append("\\n")
        elif char == "\r":
            escaped.append("\\r")
        elif char == "\t":
            escaped.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def alloy_map(values: Mapping[str, object], indent: int, extra: Mapping[str, object] | None = None) -> str:
    """An Alloy object of strings, one `"key" = "value",` per line; `indent` is the column of `}`."""
    items = {**(extra or {}), **values}
    if not items:
        return "{}"
    pad = " " * indent
    lines = [f"{pad}  {alloy_string(key)} = {alloy_string(value)}," for key, value in items.items()]
    return "{\n" + "\n".join(lines) + f"\n{pad}}}"


def same_name_map(names: Iterable[str]) -> dict[str, str]:
    """`name = name` pairs: promote an extracted value under its own name."""
    return {name: name for name in names}


def alloy_identifier(job_name: str) -> str:
    """A component label from a job slug (Alloy labels are identifiers: no dashes)."""
    return job_name.replace("-", "_")


def alloy_config(model: Model) -> str:
    """The Alloy configuration text, rendered from the packaged jinja2 template."""
    from erpgo_monctl.render.templating import load_template

    assert model.spec.logging is not None
    template = load_template(
        TEMPLATE,
        alloy_string=alloy_string,
        alloy_map=alloy_map,
        same_name_map=same_name_map,
        go_duration=go_duration,
    )
    jobs: list[dict[str, Any]] = [
        {
            "name": job.name,
            "id": alloy_identifier(job.name),
            "docker": job.docker if isinstance(job, DockerLogJob) else None,
            "filters": docker_filters(job),
            "paths": list(job.paths) if isinstance(job, FileLogJob) else [],
            "labels": stream_labels(job),
            "stages": list(job.pipeline),
        }
        for job in model.spec.logging.jobs
    ]
    text: str = template.render(header_lines=model.header.splitlines(), jobs=jobs, push_url=push_url(model))
    return text


def render(model: Model) -> Files:
    """Render the Alloy config when the spec's logs go through Alloy (the default agent)."""
    if model.spec.logging is None or model.spec.logging.agent != "alloy":
        return {}
    return {ALLOY_CONFIG: alloy_config(model).encode()}
