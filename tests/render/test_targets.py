"""The static target registry and `monctl render --target`."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from erpgo_monctl.diagnostics import UsageError
from erpgo_monctl.render.targets import DEFAULT_TARGET, TARGETS, Target, render_target, target_named
from erpgo_monctl.resolve.layout import LAYOUTS
from erpgo_monctl.resolve.model import Model
from tests.conftest import ERPGO_SPEC

runner = CliRunner()


def test_every_target_has_its_layout_and_renderers() -> None:
    assert DEFAULT_TARGET in TARGETS
    for name, target in TARGETS.items():
        assert isinstance(target, Target) and target.name == name
        assert LAYOUTS[name] is target.layout
        assert target.renderers and all(callable(r) for r in target.renderers)


def test_compose_renders_the_committed_tree(erpgo_model: Model, rendered: dict[PurePosixPath, bytes]) -> None:
    files = render_target(erpgo_model, TARGETS["compose"])
    assert files == rendered
    assert not any(path.name == "kustomization.yaml" for path in files)  # a compose user gets no Kubernetes


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_every_file_of_a_target_is_at_a_path_of_its_layout(erpgo_model: Model, name: str) -> None:
    """Every file a target renders is at a path of its layout table (or below a directory of it)."""
    files = render_target(erpgo_model, TARGETS[name])
    layout = TARGETS[name].layout
    for path in files:
        assert any(path == p.path or p.path in path.parents for p in layout.placements), path
    for placement in layout.placements:
        if placement.required:
            assert placement.path in files, placement.key


def test_an_unknown_target_is_a_located_usage_error() -> None:
    with pytest.raises(UsageError) as caught:
        target_named("helm")
    [diagnostic] = caught.value.diagnostics
    assert (diagnostic.code, diagnostic.path) == ("E007", "--target")
    assert "'helm' is not a render target: use one of compose, kubernetes" in diagnostic.message


def test_render_with_an_unknown_target_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(ERPGO_SPEC), "--out", str(out), "--target", "helm"])
    assert result.exit_code == 2
    assert "error[E007]: --target: 'helm' is not a render target" in result.stderr
    assert not out.exists()


def test_render_target_compose_is_the_default(tmp_path: Path) -> None:
    default, chosen = tmp_path / "default", tmp_path / "chosen"
    assert runner.invoke(app, ["render", str(ERPGO_SPEC), "--out", str(default)]).exit_code == 0
    result = runner.invoke(app, ["render", str(ERPGO_SPEC), "--out", str(chosen), "--target", "compose"])
    assert result.exit_code == 0, result.stderr
    assert sorted(p.relative_to(chosen) for p in chosen.rglob("*")) == sorted(
        p.relative_to(default) for p in default.rglob("*")
    )
