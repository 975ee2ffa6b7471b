"""`monctl init` and `monctl --version`: the newcomer path works on the starter spec as written."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from erpgo_monctl import __version__
from erpgo_monctl.cli import app
from erpgo_monctl.starter import STARTER_FILE, spec_name
from tests.conftest import need

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"monctl {__version__}\n")


def test_init_writes_a_spec_that_validates_lints_renders_and_checks(tmp_path: Path) -> None:
    need("promtool")
    need("amtool")
    directory = tmp_path / "Book Store"
    assert runner.invoke(app, ["init", str(directory)]).exit_code == 0
    spec = directory / STARTER_FILE
    text = spec.read_text()
    assert "name: book-store" in text and "erpgo" not in text.lower()
    assert runner.invoke(app, ["validate", str(spec)]).exit_code == 0
    lint = runner.invoke(app, ["lint", str(spec)])
    assert lint.exit_code == 0 and "no lint findings" in lint.output
    out = tmp_path / "out"
    assert runner.invoke(app, ["render", str(spec), "--out", str(out)]).exit_code == 0
    check = runner.invoke(app, ["check", str(out)])
    assert check.exit_code == 0, check.output


def test_init_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / STARTER_FILE).write_text("mine\n")
    result = runner.invoke(app, ["init", str(tmp_path), "--format", "json"])
    assert result.exit_code == 2 and '"E016"' in result.stdout
    assert (tmp_path / STARTER_FILE).read_text() == "mine\n"


def test_spec_name_is_a_slug() -> None:
    assert spec_name(Path("/tmp/Book Store")) == "book-store"
    assert spec_name(Path("/tmp/2024")) == "my-system"
