"""`monctl import` on the command line: stdout or -o, exit codes, exactly one JSON document."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from erpgo_monctl.cli import app
from tests.importer.conftest import DATA, write

RUNNER = CliRunner()


def test_prints_the_spec_on_stdout_and_exits_0_when_all_is_carried() -> None:
    result = RUNNER.invoke(app, ["import", str(DATA / "prometheus-example.yml")])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Imported by `monctl import`")
    assert "name: imported\n" in result.stdout


def test_writes_the_spec_and_validates_and_exits_1_when_something_is_lost(tmp_path: Path) -> None:
    out = tmp_path / "team.yaml"
    config = write(
        tmp_path, "am.yml", "route: {receiver: a}\nreceivers: [{name: a}]\ntemplates: ['x/*.tmpl']\n"
    )
    result = RUNNER.invoke(app, ["import", str(config), "-o", str(out)])
    assert result.exit_code == 1
    assert out.is_file() and "name: team\n" in out.read_text(encoding="utf-8")
    check = RUNNER.invoke(app, ["validate", str(out)])
    assert check.exit_code == 0


def test_json_prints_exactly_one_document(tmp_path: Path) -> None:
    out = tmp_path / "s.yaml"
    result = RUNNER.invoke(
        app, ["import", str(DATA / "alertmanager-simple.yml"), "-o", str(out), "--format", "json"]
    )
    found = json.loads(result.stdout)
    assert {"file", "line", "column", "path", "code", "severity", "message"} <= set(found[0])
    assert result.exit_code == 1


def test_json_without_o_is_a_usage_error_in_one_document() -> None:
    result = RUNNER.invoke(app, ["import", str(DATA / "prometheus-example.yml"), "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)[0]["code"] == "E002"


def test_split_needs_o_and_writes_included_files(tmp_path: Path) -> None:
    assert RUNNER.invoke(app, ["import", str(DATA / "prometheus-example.yml"), "--split"]).exit_code == 2
    out = tmp_path / "spec.yaml"
    rules = write(tmp_path, "team-rules.yml", "groups:\n- name: g\n  rules:\n  - record: a:b\n    expr: up\n")
    result = RUNNER.invoke(app, ["import", str(rules), "-o", str(out), "--split"])
    assert result.exit_code == 0
    assert (tmp_path / "spec.d" / "team-rules.yaml").is_file()
    assert "include:\n- spec.d/team-rules.yaml" in out.read_text(encoding="utf-8")
    assert RUNNER.invoke(app, ["validate", str(out)]).exit_code == 0


def test_a_missing_file_is_exit_2(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["import", str(tmp_path / "nope.yml")])
    assert result.exit_code == 2


def test_an_unrecognised_file_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "s.yaml"
    result = RUNNER.invoke(app, ["import", str(write(tmp_path, "x.yml", "foo: 1\n")), "-o", str(out)])
    assert result.exit_code == 1
    assert "I001" in result.stderr and not out.exists()
