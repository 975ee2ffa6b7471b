"""Diagnostics written out: text like a compiler, a JSON list, or a SARIF 2.1.0 log.

Every command reports through these. SARIF needs each rule's description; the
caller passes them (lint its rules), so this layer knows no rule of its own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from erpgo_monctl import __version__
from erpgo_monctl.diagnostics import Diagnostic, Severity

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SARIF_LEVELS: dict[Severity, str] = {"error": "error", "warning": "warning", "info": "note"}


def text_report(diagnostics: Iterable[Diagnostic]) -> str:
    """One `file:line:col: severity[code]: path: message` line per diagnostic."""
    return "".join(diag.as_text() + "\n" for diag in diagnostics)


def json_report(diagnostics: Iterable[Diagnostic]) -> str:
    """A JSON list of {file, line, column, path, code, severity, message}."""
    return json.dumps([asdict(d) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


@dataclass(frozen=True)
class SarifRule:
    """What SARIF says about one rule: its id, a one-line and a full description, its default level."""

    id: str
    summary: str
    description: str
    severity: Severity


def _rule_entry(rule: SarifRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "defaultConfiguration": {"level": SARIF_LEVELS[rule.severity]},
    }


def sarif_log(diagnostics: Sequence[Diagnostic], rules: Sequence[SarifRule]) -> dict[str, Any]:
    """One run of tool `monctl`: every rule given, then one result per diagnostic.

    A diagnostic whose code is not among `rules` (a validation error when the spec
    does not load) gets a rule entry of its own.
    """
    entries = [_rule_entry(rule) for rule in rules]
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = []
    for diag in diagnostics:
        if diag.code not in index:
            index[diag.code] = len(entries)
            own = SarifRule(diag.code, f"monctl {diag.code}", f"monctl diagnostic {diag.code}", diag.severity)
            entries.append(_rule_entry(own))
        physical: dict[str, Any] = {"artifactLocation": {"uri": quote(PurePath(diag.file).as_posix())}}
        if diag.line > 0:
            physical["region"] = {"startLine": diag.line, "startColumn": max(diag.column, 1)}
        location: dict[str, Any] = {"physicalLocation": physical}
        if diag.path:
            location["logicalLocations"] = [{"fullyQualifiedName": diag.path}]
        message = f"{diag.path}: {diag.message}" if diag.path else diag.message
        results.append(
            {
                "ruleId": diag.code,
                "ruleIndex": index[diag.code],
                "level": SARIF_LEVELS[diag.severity],
                "message": {"text": message},
                "locations": [location],
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "monctl", "version": __version__, "rules": entries}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def sarif_report(diagnostics: Sequence[Diagnostic], rules: Sequence[SarifRule]) -> str:
    return json.dumps(sarif_log(diagnostics, rules), indent=2, ensure_ascii=False) + "\n"
