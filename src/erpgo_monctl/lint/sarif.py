"""Diagnostics as SARIF 2.1.0 (`monctl lint --format sarif`), for code-scanning UIs and CI annotations."""

from __future__ import annotations

import json
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from erpgo_monctl import __version__
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.lint.registry import RULES

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _rule_entry(rule_id: str, short: str, full: str, level: str) -> dict[str, Any]:
    return {
        "id": rule_id,
        "shortDescription": {"text": short},
        "fullDescription": {"text": full},
        "defaultConfiguration": {"level": level},
    }


def sarif_log(diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """One run of tool `monctl`: every lint rule, then one result per diagnostic."""
    rules = [
        _rule_entry(rule.id, rule.summary, f"{rule.catches} {rule.why}", LEVELS[rule.severity])
        for rule in RULES
    ]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    results = []
    for diag in diagnostics:
        if diag.code not in index:  # validation errors (E...) when the spec does not load
            index[diag.code] = len(rules)
            rules.append(
                _rule_entry(
                    diag.code, f"monctl {diag.code}", f"monctl diagnostic {diag.code}", LEVELS[diag.severity]
                )
            )
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
                "level": LEVELS[diag.severity],
                "message": {"text": message},
                "locations": [location],
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "monctl", "version": __version__, "rules": rules}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def sarif_json(diagnostics: list[Diagnostic]) -> str:
    return json.dumps(sarif_log(diagnostics), indent=2, ensure_ascii=False) + "\n"
