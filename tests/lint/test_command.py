"""`monctl lint` on the command line: formats, exit codes, --explain, usage errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from erpgo_monctl.cli import app
from tests.lint.conftest import Linter, alert, alerts

runner = CliRunner()
SEED = Path(__file__).resolve().parents[1] / "cases" / "seed-as-written" / "spec.yaml"


def test_clean_spec_exits_zero_and_says_so(lint: Linter) -> None:
    result = runner.invoke(app, ["lint", str(lint.write())])
    assert result.exit_code == 0
    assert "no lint findings" in result.stderr


def test_warnings_only_exit_zero_with_compiler_style_text(lint: Linter) -> None:
    spec = lint.write(alerts=alerts(alert("high_error_rate")))
    result = runner.invoke(app, ["lint", str(spec)])
    assert result.exit_code == 0
    line = result.stderr.splitlines()[0]
    assert line.startswith(f"{spec}:") and ": warning[alerts/name-style]: alerts[0].rules[0].alert: " in line
    assert result.stderr.splitlines()[-1].endswith("0 errors, 1 warning, 0 info")


def test_error_findings_exit_one_and_json_lists_them() -> None:
    result = runner.invoke(app, ["lint", str(SEED), "--format", "json"])
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert {"file", "line", "column", "path", "code", "severity", "message"} <= set(found[0])
    assert {"error", "warning"} == {item["severity"] for item in found}


def test_sarif_goes_to_stdout() -> None:
    result = runner.invoke(app, ["lint", str(SEED), "--format", "sarif"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["version"] == "2.1.0"


def test_invalid_spec_reports_validation_errors_not_a_traceback(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("version: 1\nname: Bad Name\n", encoding="utf-8")
    result = runner.invoke(app, ["lint", str(spec), "--format", "json"])
    assert result.exit_code == 1
    found = json.loads(result.stdout)
    assert found and all(item["severity"] == "error" and item["line"] > 0 for item in found)
    assert "Traceback" not in result.output


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["lint", str(tmp_path / "missing.yaml")])
    assert result.exit_code == 2
    assert "file not found" in result.stderr


def test_explain_prints_the_rule_page() -> None:
    result = runner.invoke(app, ["lint", "--explain", "promql/rate-on-non-counter"])
    assert result.exit_code == 0
    assert result.stdout.startswith("promql/rate-on-non-counter (error by default)")
    assert "Bad:" in result.stdout and "Good:" in result.stdout


def test_explain_unknown_rule_suggests_the_closest() -> None:
    result = runner.invoke(app, ["lint", "--explain", "alerts/for-mising"])
    assert result.exit_code == 2
    assert "did you mean alerts/for-missing?" in result.stderr


def test_bad_format_and_no_spec_are_usage_errors() -> None:
    assert runner.invoke(app, ["lint", str(SEED), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["lint"]).exit_code == 2
