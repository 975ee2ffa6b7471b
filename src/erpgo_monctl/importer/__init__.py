"""`monctl import`: existing Prometheus, Alertmanager, rule, Sloth and OpenSLO files -> one spec.

The importer reads every input through the spec's hardened loader (positions, limits),
detects each document's kind from its content, maps what the spec can hold, reports
what it cannot with file:line and a reason, then validates the spec it wrote with the
spec's own checks — errors found there are moved back onto the input line they came from.
Proof of equivalence lives in importer/roundtrip.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, UsageError, has_errors
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.importer.context import NOT_RECOGNISED, Document, Findings, slug
from erpgo_monctl.importer.documents import KIND_NAMES, detect_kind, read_documents
from erpgo_monctl.importer.draft import Draft, assemble, origins_by_path
from erpgo_monctl.render.yaml_encoder import dump_yaml

HEADER = (
    "Imported by `monctl import` from: {sources}\n"
    "Each item says where it came from. This file is now the source: review it, then\n"
    "`monctl validate` and `monctl render` it."
)


@dataclass
class ImportResult:
    """The written spec (one file, or a root plus included files) and every finding."""

    files: dict[str, str] = field(default_factory=dict)  # relative path -> YAML text; the root first
    diagnostics: list[Diagnostic] = field(default_factory=list)
    spec: dict[str, Any] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if has_errors(self.diagnostics) else 0


def import_files(
    paths: list[Path], *, name: str | None = None, split: bool = False, root: str = "spec.yaml"
) -> ImportResult:
    """Import `paths` into one spec named `name` (default: from `root`); `split` writes one file per input."""
    found = Findings()
    draft = Draft()
    documents: list[Document] = []
    seen: set[Path] = set()
    errors: list[Diagnostic] = []

    def load(path: Path, only_rules: bool = False) -> None:
        resolved = path.resolve()
        if resolved in seen:
            return
        seen.add(resolved)
        try:
            docs = read_documents(path)
        except UsageError:
            raise
        except MonctlError as exc:
            errors.extend(exc.diagnostics)
            return
        for doc in docs:
            documents.append(doc)
            _dispatch(found, draft, doc, load, only_rules)

    for path in paths:
        load(path)
    _slos(found, draft)
    found.items.extend(errors)
    if not documents or draft.is_empty():  # nothing recognised: no spec rather than an empty one
        return ImportResult(diagnostics=sorted(found.items))
    if draft.alertmanager is None:
        found.added(
            documents[0],
            (),
            (
                "the Alertmanager configuration could not be imported (see the errors)"
                if draft.alertmanager_broken
                else "no Alertmanager configuration among the inputs"
            )
            + ": the spec gets a `default` receiver that notifies nobody (the spec requires an "
            "alertmanager section); replace it",
        )
        draft.alertmanager = {"route": {"receiver": "default"}, "receivers": [{"name": "default"}]}
    from erpgo_monctl.importer.catalog import undeclared_metrics

    draft.metrics = undeclared_metrics(draft)
    if draft.metrics:
        found.added(
            documents[0],
            (),
            f"the rules read {len(draft.metrics)} metric(s) no imported exporter explains: declared under "
            "`metrics:` with types guessed from their names (_total counter, _bucket histogram ...)",
        )
    spec_name = name or slug(Path(root).stem)
    sources = ", ".join(sorted({d.display for d in documents}))
    spec = assemble(draft, spec_name, "")
    problems = _validate(spec, draft)
    diagnostics = sorted(set(found.items + problems))
    if has_errors(problems):
        return ImportResult(diagnostics=diagnostics, spec=spec)
    header = HEADER.format(sources=sources)
    files = _split(spec, draft, root, header) if split else {root: dump_yaml(spec, header)}
    return ImportResult(files=files, diagnostics=diagnostics, spec=spec)


def _dispatch(found: Findings, draft: Draft, doc: Document, load: Any, only_rules: bool) -> None:
    from erpgo_monctl.importer.alertmanager import import_alertmanager
    from erpgo_monctl.importer.prometheus_config import import_prometheus_config
    from erpgo_monctl.importer.rules import import_prometheus_rule, import_rule_file

    kind = detect_kind(doc.data)
    if only_rules and kind not in ("rule-file", "prometheus-rule"):
        kind = None
    if kind == "rule-file":
        import_rule_file(found, draft, doc, doc.data.get("groups"), ("groups",))
    elif kind == "prometheus-rule":
        import_prometheus_rule(found, draft, doc)
    elif kind == "prometheus":
        import_prometheus_config(found, draft, doc, lambda path: load(path, True))
    elif kind == "alertmanager":
        import_alertmanager(found, draft, doc)
    elif kind in ("sloth", "sloth-k8s", "openslo"):
        draft.deferred.append((kind, doc))
    else:
        expected = "a rule file" if only_rules else ", ".join(KIND_NAMES.values())
        found.add(doc, (), NOT_RECOGNISED, "error", f"not recognised as {expected}: nothing imported from it")


def _slos(found: Findings, draft: Draft) -> None:
    """SLO documents, once every scrape job is known."""
    from erpgo_monctl.importer.slo import finish_openslo, import_openslo, import_sloth

    for kind, doc in draft.deferred:
        if kind == "openslo":
            import_openslo(found, draft, doc)
        else:
            import_sloth(found, draft, doc, kubernetes=kind == "sloth-k8s")
    finish_openslo(found, draft)


_PATH_PART = re.compile(r"\.?([^.\[\]]+)|\[(\d+)\]")


def _parse_path(text: str) -> PathKey:
    return tuple(int(index) if index else key for key, index in _PATH_PART.findall(text))


def _validate(spec: dict[str, Any], draft: Draft) -> list[Diagnostic]:
    """The spec's own checks on the written spec, located back at the input items they came from."""
    from erpgo_monctl.diagnostics.source import SourceMap
    from erpgo_monctl.load.files import Loaded
    from erpgo_monctl.load.parse import parse_spec
    from erpgo_monctl.resolve.model import resolve
    from erpgo_monctl.validate import run_checks

    # the data itself, not its YAML text: the encoder reads back exactly (tested), and the
    # round-trip check reads the written text anyway; positions come from `origins` below
    loaded = Loaded(spec, SourceMap("<imported spec>"))
    try:
        findings = run_checks(resolve(parse_spec(loaded), loaded.source))
    except MonctlError as exc:
        findings = exc.diagnostics
    origins = origins_by_path(spec, draft)
    located = []
    for diag in findings:
        path = _parse_path(diag.path)
        probe = path
        while probe and probe not in origins:
            probe = probe[:-1]
        file, line, column = origins.get(probe, (diag.file, diag.line, diag.column))
        message = f"in the imported spec at {diag.path}: {diag.message}" if diag.path else diag.message
        located.append(Diagnostic(file, line, column, diag.path, diag.code, diag.severity, message))
    return located


def _split(spec: dict[str, Any], draft: Draft, root: str, header: str) -> dict[str, str]:
    """The root spec plus one included file per input file of rule groups and SLOs."""
    per_file: dict[str, dict[str, list[Any]]] = {}
    rest = dict(spec)
    for section in ("recording_rules", "alerts", "slos"):
        kept = []
        for entry in spec.get(section, []):
            source = draft.group_files.get(id(entry))
            if source is None:
                kept.append(entry)
                continue
            per_file.setdefault(source, {}).setdefault(section, []).append(entry)
        if kept:
            rest[section] = kept
        else:
            rest.pop(section, None)
    directory = Path(root).with_suffix("").name + ".d"
    files: dict[str, str] = {}
    includes = []
    used: set[str] = set()
    for source, sections in per_file.items():
        stem = slug(Path(source).stem)
        while stem in used:
            stem += "-2"
        used.add(stem)
        relative = f"{directory}/{stem}.yaml"
        includes.append(relative)
        team = {"version": 1, "name": spec["name"], **sections}
        files[relative] = dump_yaml(
            team, f"Imported by `monctl import` from {source}; included by {Path(root).name}"
        )
    if includes:
        rest["include"] = includes
    return {root: dump_yaml(rest, header), **files}
