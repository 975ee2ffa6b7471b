"""Input files -> YAML documents with positions, through the spec's hardened loader; kind detection.

A PrometheusRule file may hold many documents (`---`); the spec loader reads one, so each
document's text is handed to it separately, padded with the newlines before it so every
line number stays the file's own.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from erpgo_monctl.importer.context import Document
from erpgo_monctl.load.files import load_text, read_text

_SEPARATOR = re.compile(r"^---(?:[ \t].*)?$|^\.\.\.[ \t]*$", re.M)


def read_documents(path: Path, display: str | None = None) -> list[Document]:
    """Every non-empty document of `path`; raises MonctlError (located) for unreadable or broken YAML."""
    shown = display or str(path)
    text = read_text(path, shown)
    starts = (
        [m.start() for m in _SEPARATOR.finditer(text)] if "\n---" in text or text.startswith("---") else []
    )
    pieces: list[tuple[int, str]] = []
    if not starts:
        pieces = [(0, text)]
    else:
        bounds = [0, *starts, len(text)]
        for begin, end in itertools.pairwise(bounds):
            chunk = text[begin:end]
            if chunk.startswith("..."):
                continue  # a document end marker: nothing of its own
            pieces.append((text.count("\n", 0, begin), chunk))
    documents = []
    for index, (line_offset, chunk) in enumerate(pieces):
        if not _has_content(chunk):
            continue
        loaded = load_text("\n" * line_offset + chunk, shown)
        if loaded.data is None:
            continue
        documents.append(Document(path, shown, loaded.data, loaded.source, index))
    return documents


def _has_content(chunk: str) -> bool:
    for line in chunk.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and stripped not in ("---", "..."):
            return True
    return False


def detect_kind(data: Any) -> str | None:
    """What a document is, from its content alone; None when it is none of the kinds we read."""
    if not isinstance(data, dict):
        return None
    api = str(data.get("apiVersion", ""))
    kind = str(data.get("kind", ""))
    if api.startswith("monitoring.coreos.com/") and kind == "PrometheusRule":
        return "prometheus-rule"
    if api.startswith("sloth.slok.dev/") and kind == "PrometheusServiceLevel":
        return "sloth-k8s"
    if str(data.get("version", "")) == "prometheus/v1" and "slos" in data:
        return "sloth"
    if api.startswith(("openslo/", "openslo.com/")):
        return "openslo"
    if "groups" in data and not api:
        return "rule-file"
    if "route" in data or "receivers" in data:
        return "alertmanager"
    if any(key in data for key in ("scrape_configs", "rule_files", "alerting", "remote_write", "global")):
        return "prometheus"
    return None


KIND_NAMES = {
    "prometheus-rule": "a PrometheusRule manifest",
    "sloth-k8s": "a Sloth PrometheusServiceLevel",
    "sloth": "a Sloth prometheus/v1 spec",
    "openslo": "an OpenSLO document",
    "rule-file": "a Prometheus rule file",
    "alertmanager": "an Alertmanager configuration",
    "prometheus": "a Prometheus configuration",
}
