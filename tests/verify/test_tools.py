"""`monctl check`: the real checkers on a rendered tree; a missing binary is exit 3 with an install hint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from tests.conftest import ERPGO_SPEC, need

runner = CliRunner()


def test_check_passes_every_real_checker_on_the_erpgo_tree(rendered_dir: Path) -> None:
    need("promtool")
    need("amtool")
    result = runner.invoke(app, ["check", str(rendered_dir)])
    assert result.exit_code == 0, result.stderr
    for name in (
        "promtool check config",
        "promtool check rules alert_rules.yml",
        "amtool check-config",
        "compose: Compose Specification schema",
        "grafana: dashboard schema and rules",
        "promtool test rules slo_api-availability_test.yml",
    ):
        assert f"ok   {name}" in result.stderr


def test_check_reports_a_broken_rule_file(rendered_dir: Path, tmp_path: Path) -> None:
    need("promtool")
    need("amtool")
    broken = tmp_path / "out"
    shutil.copytree(rendered_dir, broken)
    rules = broken / "configs/alert_rules.yml"
    rules.write_text(rules.read_text().replace("expr: 'up{job=", "expr: 'up{{job=", 1))
    assert "up{{job=" in rules.read_text()  # the file really is broken
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 1
    assert "FAIL promtool check rules alert_rules.yml" in result.stderr
    assert f"{rules}:1:1: error[T001]" in result.stderr


def test_missing_checker_is_exit_3_with_install_hint(
    rendered_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    result = runner.invoke(app, ["check", str(rendered_dir)])
    assert result.exit_code == 3
    assert "promtool not found on PATH" in result.stderr
    assert "apt-get install prometheus" in result.stderr


def test_check_refuses_a_directory_that_is_not_monctl_output(tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not look like monctl output" in result.stderr


def test_installed_cli_renders_from_any_directory(tmp_path: Path) -> None:
    """Templates and data ship inside the package: the console script works outside the repo."""
    monctl = Path(sys.executable).parent / "monctl"
    if not monctl.exists():
        pytest.skip("the monctl console script is not installed next to this interpreter")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = subprocess.run(
        [str(monctl), "render", str(ERPGO_SPEC), "--out", "rendered"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert (elsewhere / "rendered/runbooks/HighErrorRate.md").is_file()
    assert (elsewhere / "rendered/configs/alloy/config.alloy").is_file()


@pytest.mark.parametrize(
    ("relative", "content", "expected"),
    [
        (
            "configs/grafana/dashboards/erpgo-business.json",
            '{"broken',
            "FAIL grafana: dashboard schema and rules",
        ),
        ("docker-compose.monitoring.yml", "services: [\n", "FAIL compose: Compose Specification schema"),
        ("configs/grafana/provisioning/datasources/datasources.yml", "a: [\n", "FAIL grafana: dashboard"),
    ],
)
def test_unreadable_rendered_file_is_reported_not_a_traceback(
    rendered_dir: Path, tmp_path: Path, relative: str, content: str, expected: str
) -> None:
    need("promtool")
    need("amtool")
    broken = tmp_path / "out"
    shutil.copytree(rendered_dir, broken)
    (broken / relative).write_text(content)
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert expected in result.stderr
    assert f"{broken / relative}:1:1: error[T003]: cannot read" in result.stderr


def test_missing_layout_file_fails_check(rendered_dir: Path, tmp_path: Path) -> None:
    need("promtool")
    need("amtool")
    broken = tmp_path / "out"
    shutil.copytree(rendered_dir, broken)
    (broken / "docker-compose.monitoring.yml").unlink()
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 1
    assert "FAIL layout: docker-compose.monitoring.yml" in result.stderr


@pytest.mark.parametrize(
    "missing",
    ["configs/loki.yml", "configs/alloy/config.alloy", "configs/promtail.yml", "runbooks/HighErrorRate.md"],
)
def test_a_file_the_tree_implies_is_missing_fails_check(
    rendered_dir: Path, tmp_path: Path, missing: str
) -> None:
    need("promtool")
    need("amtool")
    broken = tmp_path / "out"
    shutil.copytree(rendered_dir, broken)
    (broken / missing).unlink()
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 1
    assert f"FAIL layout: {missing}" in result.stderr


def test_out_pointing_at_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me")
    result = runner.invoke(app, ["render", str(ERPGO_SPEC), "--out", str(target)])
    assert result.exit_code == 2
    assert "exists and is not a directory" in result.stderr
    assert target.read_text() == "keep me"


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_a_dashboard_with_nan_or_infinity_is_not_json(tmp_path: Path, constant: str) -> None:
    from erpgo_monctl.verify.tools import Unreadable, _load_json

    path = tmp_path / "d.json"
    path.write_text('{"panels": [{"max": ' + constant + "}]}", encoding="utf-8")
    with pytest.raises(Unreadable) as caught:
        _load_json(path)
    assert caught.value.diagnostic.code == "T003"
    assert f"{constant.lstrip('-')} is not JSON" in caught.value.diagnostic.message
