"""`monctl validate` as CI and pre-commit see it: exit codes, text and JSON, and the bad-spec corpus."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from tests.conftest import ERPGO_SPEC, REPO

CASES = REPO / "tests" / "cases" / "invalid"
EXPECTED: dict[str, dict[str, Any]] = yaml.safe_load((CASES / "expected.yaml").read_text(encoding="utf-8"))
NODE_EXPORTER_SPEC = REPO / "tests" / "cases" / "corpus" / "node-exporter.yaml"
JSON_KEYS = {"file", "line", "column", "path", "code", "severity", "message"}
# pydantic's own words for its union machinery: never shown to a user
PYDANTIC_NOISE = re.compile(r"function-after|tagged-union|union_tag|Input tag|Unable to extract tag|\[type=")

runner = CliRunner()


def _validate(*args: str) -> tuple[int, list[dict[str, Any]]]:
    result = runner.invoke(app, ["validate", "--format", "json", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, json.loads(result.stdout)


def test_every_case_file_has_an_expectation_and_there_are_enough() -> None:
    files = {p.name for p in CASES.glob("*.yaml")} - {"expected.yaml"}
    assert files == set(EXPECTED)
    assert len(files) >= 40


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_invalid_case_reports_its_one_error_exactly(name: str) -> None:
    expected = EXPECTED[name]
    code, found = _validate(str(CASES / name))
    assert code == 1
    errors = [d for d in found if d["severity"] == "error"]
    assert len(errors) == 1, errors
    [error] = errors
    assert set(error) >= JSON_KEYS
    assert error["file"] == str(CASES / name)
    assert (error["code"], error["line"], error["column"], error["path"]) == (
        expected["code"],
        expected["line"],
        expected["column"],
        expected["path"],
    )
    assert expected["message"] in error["message"]
    assert not PYDANTIC_NOISE.search(error["path"] + " " + error["message"])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_render_of_an_invalid_case_writes_nothing(name: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(CASES / name), "--out", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_the_erpgo_spec_is_valid() -> None:
    code, found = _validate(str(ERPGO_SPEC))
    assert code == 0
    assert [d for d in found if d["severity"] == "error"] == []


def test_the_converted_node_exporter_corpus_is_valid_with_no_findings() -> None:
    # kube-prometheus' curated rules: tiered severities, alerts without `for`, printf in annotations.
    # No warning is expected either: every group_by/equal label can survive its expression.
    code, found = _validate(str(NODE_EXPORTER_SPEC))
    assert (code, found) == (0, [])


def test_the_corpus_conversion_is_committed_up_to_date(tmp_path: Path) -> None:
    import importlib.util

    module_spec = importlib.util.spec_from_file_location("convert", NODE_EXPORTER_SPEC.parent / "convert.py")
    assert module_spec is not None and module_spec.loader is not None
    convert = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(convert)
    if not convert.DEFAULT_SOURCE.is_file():
        pytest.skip(f"corpus not found at {convert.DEFAULT_SOURCE}")
    out = tmp_path / "node-exporter.yaml"
    assert convert.main(["convert.py", str(convert.DEFAULT_SOURCE), str(out)]) == 0
    assert out.read_text(encoding="utf-8") == NODE_EXPORTER_SPEC.read_text(encoding="utf-8")


def test_text_format_is_compiler_style_on_stderr() -> None:
    spec = CASES / "bad_duration.yaml"
    result = runner.invoke(app, ["validate", str(spec)])
    assert result.exit_code == 1
    assert result.stdout == ""
    expected = EXPECTED["bad_duration.yaml"]
    assert result.stderr.startswith(
        f"{spec}:{expected['line']}:{expected['column']}: error[E105]: "
        f"{expected['path']}: '5 minutes' is not a duration"
    )


def test_several_specs_are_all_reported_together() -> None:
    code, found = _validate(
        str(CASES / "bad_duration.yaml"), str(ERPGO_SPEC), str(CASES / "duplicate_job.yaml")
    )
    assert code == 1
    assert {(Path(d["file"]).name, d["code"]) for d in found if d["severity"] == "error"} == {
        ("bad_duration.yaml", "E105"),
        ("duplicate_job.yaml", "E304"),
    }


def test_several_mistakes_in_one_spec_are_reported_together(tmp_path: Path) -> None:
    data = yaml.safe_load((CASES.parent.parent / "validate" / "minimal.yaml").read_text(encoding="utf-8"))
    data["alerts"][0]["rules"][0]["severity"] = "page"
    data["alertmanager"]["route"]["receiver"] = "nobody"
    data["dashboards"][0]["panels"][0]["queries"][0]["expr"] = "sum(rate(http_requests_totl[5m]))"
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    code, found = _validate(str(spec))
    assert code == 1
    assert sorted(d["code"] for d in found if d["severity"] == "error") == ["E301", "E307", "E308"]


@pytest.mark.parametrize(
    "args",
    [
        ["validate", "missing.yaml"],
        ["validate", "--format", "xml", str(ERPGO_SPEC)],
        ["validate", "--no-such-flag", str(ERPGO_SPEC)],
        ["validate"],
    ],
    ids=["missing-file", "bad-format", "bad-flag", "no-spec"],
)
def test_usage_errors_exit_2(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, args)
    assert result.exit_code == 2


def test_a_missing_file_is_a_located_json_diagnostic_too(tmp_path: Path) -> None:
    code, found = _validate(str(tmp_path / "absent.yaml"))
    assert code == 2
    assert [(d["code"], d["file"]) for d in found] == [("E002", str(tmp_path / "absent.yaml"))]


def test_a_missing_file_among_bad_specs_still_exits_2() -> None:
    code, found = _validate(str(CASES / "bad_duration.yaml"), "does-not-exist.yaml")
    assert code == 2
    assert {d["code"] for d in found} == {"E105", "E002"}


def test_pre_commit_hook_definition_runs_validate_on_spec_files() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = hooks
    assert hook["id"] == "monctl-validate"
    assert hook["entry"] == "monctl validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    import re

    pattern = re.compile(hook["files"])
    assert pattern.search("specs/erpgo.yaml") and pattern.search("specs/teams/web.yml")
    assert not pattern.search("out/configs/prometheus.yml")
