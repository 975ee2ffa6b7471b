"""`monctl check`: the real checkers on a rendered tree; a missing binary is exit 3 with an install hint."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from erpgo_monctl.verify import tools
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


def test_a_checker_rejecting_a_file_is_t001_on_that_file(rendered_dir: Path, tmp_path: Path) -> None:
    promtool = need("promtool")
    rules = tmp_path / "alert_rules.yml"
    text = (rendered_dir / "configs/alert_rules.yml").read_text()
    rules.write_text(text.replace("expr: 'up{job=", "expr: 'up{{job=", 1))
    assert "up{{job=" in rules.read_text()  # the file really is broken
    result = tools.run_tool(
        "promtool check rules alert_rules.yml", [promtool, "check", "rules", str(rules)], rules
    )
    assert not result.ok
    assert result.diagnostics and {d.code for d in result.diagnostics} == {"T001"}
    assert {(d.file, d.line, d.column) for d in result.diagnostics} == {(str(rules), 1, 1)}
    assert any("promtool check rules alert_rules.yml: " in d.message for d in result.diagnostics)


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


def _tree_with(rendered_dir: Path, tmp_path: Path, *relative: str) -> Path:
    """A copy of just the named files of the rendered tree (what the checker under test reads)."""
    out = tmp_path / "out"
    for name in relative:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(rendered_dir / name, out / name)
    return out


DATASOURCES = "configs/grafana/provisioning/datasources/datasources.yml"
BUSINESS = "configs/grafana/dashboards/erpgo-business.json"


@pytest.mark.parametrize(("broken", "content"), [(BUSINESS, '{"broken'), (DATASOURCES, "a: [\n")])
def test_an_unreadable_dashboard_or_datasources_file_is_t003_not_a_traceback(
    rendered_dir: Path, tmp_path: Path, broken: str, content: str
) -> None:
    out = _tree_with(rendered_dir, tmp_path, DATASOURCES, BUSINESS)
    (out / broken).write_text(content)
    result = tools.check_dashboards(out)
    assert (result.name, result.ok) == ("grafana: dashboard schema and rules", False)
    assert [(d.file, d.line, d.column, d.code) for d in result.diagnostics][:1] == [
        (str(out / broken), 1, 1, "T003")
    ]
    assert result.diagnostics[0].message.startswith(f"cannot read {Path(broken).name}: ")


def test_an_unreadable_compose_file_is_t003_not_a_traceback(tmp_path: Path) -> None:
    compose = tmp_path / "docker-compose.monitoring.yml"
    compose.write_text("services: [\n")
    result = tools.check_compose(compose)
    assert (result.name, result.ok) == ("compose: Compose Specification schema", False)
    [diag] = result.diagnostics
    assert (diag.file, diag.line, diag.column, diag.code) == (str(compose), 1, 1, "T003")
    assert diag.message.startswith("cannot read docker-compose.monitoring.yml: ")


def test_check_reports_failures_per_checker_and_a_missing_layout_file(
    rendered_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`monctl check` end to end on a broken tree; the real tools are proven by the test above it."""
    broken = tmp_path / "out"
    shutil.copytree(rendered_dir, broken)
    (broken / "docker-compose.monitoring.yml").unlink()
    (broken / BUSINESS).write_text('{"broken')
    ran: list[str] = []

    def fake_tool(name: str, argv: list[str], file: Path) -> tools.CheckResult:
        ran.append(name)
        return tools.CheckResult(name, True)

    monkeypatch.setattr(tools, "run_tool", fake_tool)
    monkeypatch.setattr(tools, "require", lambda tool: tool)
    result = runner.invoke(app, ["check", str(broken)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "FAIL layout: docker-compose.monitoring.yml" in result.stderr
    assert "FAIL grafana: dashboard schema and rules" in result.stderr
    assert f"{broken / BUSINESS}:1:1: error[T003]: cannot read" in result.stderr
    assert "ok   promtool check config" in result.stderr
    assert "promtool test rules slo_api-availability_test.yml" in ran


@pytest.mark.parametrize(
    "missing",
    [
        "configs/loki.yml",
        "configs/alloy/config.alloy",
        "configs/alertmanager.yml",
        "configs/jaeger.yml",
        "runbooks/HighErrorRate.md",
    ],
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
        "promtool check rules probe_rules.yml",
    ]
    [blackbox] = _checker_tasks(rendered_dir, COMPOSE, "blackbox-config", {**tools, "blackbox": "x"})
    assert blackbox.args[1] == rendered_dir / "configs" / "blackbox.yml"  # type: ignore[attr-defined]
    tests = _checker_tasks(rendered_dir, COMPOSE, "promtool-test", tools)
    assert len(tests) == len(list((rendered_dir / "tests").glob("*_test.yml"))) > 0


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_a_dashboard_with_nan_or_infinity_is_not_json(tmp_path: Path, constant: str) -> None:
    from erpgo_monctl.verify.tools import Unreadable, _load_json

    path = tmp_path / "d.json"
    path.write_text('{"panels": [{"max": ' + constant + "}]}", encoding="utf-8")
    with pytest.raises(Unreadable) as caught:
        _load_json(path)
    assert caught.value.diagnostic.code == "T003"
    assert f"{constant.lstrip('-')} is not JSON" in caught.value.diagnostic.message
