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


def test_out_pointing_at_a_file_is_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("keep me")
    result = runner.invoke(app, ["render", str(ERPGO_SPEC), "--out", str(target)])
    assert result.exit_code == 2
    assert "exists and is not a directory" in result.stderr
    assert target.read_text() == "keep me"


def test_one_parallel_runner_keeps_the_order_of_its_tasks() -> None:
    """`check` and `test` share run_parallel: results come back in task order, whatever finishes first."""
    import time

    from erpgo_monctl.verify.tools import run_parallel

    def task(index: int) -> int:
        time.sleep(0.01 * (5 - index))
        return index

    assert run_parallel([lambda i=i: task(i) for i in range(5)]) == [0, 1, 2, 3, 4]


def test_which_checker_runs_on_which_file_comes_from_the_layout(rendered_dir: Path) -> None:
    from erpgo_monctl.resolve.layout import COMPOSE
    from erpgo_monctl.verify.tools import _checker_tasks

    tools = {"promtool": "promtool", "amtool": "amtool"}
    rules = _checker_tasks(rendered_dir, COMPOSE, "promtool-rules", tools)
    assert [task.args[0] for task in rules] == [  # type: ignore[attr-defined]
        "promtool check rules alert_rules.yml",
        "promtool check rules recording_rules.yml",
        "promtool check rules slo_rules.yml",
    ]
    tests = _checker_tasks(rendered_dir, COMPOSE, "promtool-test", tools)
    assert len(tests) == len(list((rendered_dir / "tests").glob("*_test.yml"))) > 0
