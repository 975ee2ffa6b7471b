"""`--format json`: exactly one JSON document on stdout for every command and outcome (usage errors too);
diffs and progress on stderr. And the codes that replaced E000 for ordinary user errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ERPGO_SPEC, REPO

INVALID = REPO / "tests" / "cases" / "invalid" / "bad_duration.yaml"


def _monctl(*args: str) -> tuple[int, Any, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "erpgo_monctl", *args], capture_output=True, text=True, check=False, cwd=REPO
    )
    return proc.returncode, json.loads(proc.stdout), proc.stderr  # raises unless exactly one document


@pytest.fixture(scope="module")
def foreign(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("foreign")
    (directory / "precious.txt").write_text("mine\n")
    return directory


def _codes(found: list[dict[str, Any]]) -> list[str]:
    return [d["code"] for d in found]


def test_validate_outcomes(tmp_path: Path) -> None:
    assert _monctl("validate", "--format", "json", str(ERPGO_SPEC))[:2] == (0, [])
    code, found, _ = _monctl("validate", "--format", "json", str(INVALID))
    assert code == 1 and _codes(found) == ["E105"]
    code, found, _ = _monctl("validate", "--format", "json", str(tmp_path / "missing.yaml"))
    assert code == 2 and _codes(found) == ["E002"]


def test_a_usage_error_is_json_too() -> None:
    code, found, _ = _monctl("validate", "--format", "json", "--no-such-flag", str(ERPGO_SPEC))
    assert code == 2 and _codes(found) == ["E010"] and "--no-such-flag" in found[0]["message"]


def test_render_into_a_foreign_directory_is_one_document_with_its_own_code(foreign: Path) -> None:
    code, found, _ = _monctl("render", str(ERPGO_SPEC), "--out", str(foreign), "--format", "json")
    assert code == 1 and _codes(found) == ["E014"]
    assert (foreign / "precious.txt").read_text() == "mine\n"


def test_render_check_names_every_drifting_file_and_keeps_env(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert _monctl("render", str(ERPGO_SPEC), "--out", str(out), "--format", "json")[:2] == (0, [])
    (out / "configs" / "loki.yml").write_text("# edited by hand\n")
    (out / "configs" / "extra.yml").write_text("stale: true\n")
    (out / "configs" / "alertmanager.yml").unlink()
    code, found, stderr = _monctl(
        "render", str(ERPGO_SPEC), "--out", str(out), "--check", "--format", "json", "--env", "production"
    )
    assert code == 1
    named = {Path(d["file"]).name: d["message"] for d in found if d["code"] == "D001"}
    assert set(named) == {"loki.yml", "extra.yml", "alertmanager.yml"}
    assert "extra" in named["extra.yml"] and "missing" in named["alertmanager.yml"]
    assert all("--env production" in message for message in named.values())
    assert "--- " in stderr  # the diff goes to stderr beside the JSON document


def test_check_on_a_directory_that_is_no_output(foreign: Path) -> None:
    code, found, _ = _monctl("check", str(foreign), "--format", "json")
    assert code == 1 and _codes(found) == ["T005"]


def test_an_unknown_lint_rule_has_its_own_code() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "erpgo_monctl", "lint", "--explain", "no/such-rule"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "error[E011]" in proc.stderr


def test_init_is_one_document(tmp_path: Path) -> None:
    assert _monctl("init", str(tmp_path), "--format", "json")[:2] == (0, [])
