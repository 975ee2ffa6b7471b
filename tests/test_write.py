"""Nothing lost: a render that fails part-way leaves the previous output directory byte-identical."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from erpgo_monctl import write
from erpgo_monctl.cli import app
from tests.conftest import ERPGO_SPEC

runner = CliRunner()


def _snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and directory (None) below root."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() else None) for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def rendered_once(tmp_path: Path) -> tuple[Path, dict[str, bytes | None]]:
    out = tmp_path / "out"
    result = runner.invoke(app, ["render", str(ERPGO_SPEC), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    (out / "configs" / "prometheus.yml").write_bytes(
        b"# an older render\n"
    )  # so a new render would change it
    return out, _snapshot(tmp_path)


def test_a_renderer_failing_mid_render_leaves_the_output_untouched(
    rendered_once: tuple[Path, dict[str, bytes | None]], monkeypatch: pytest.MonkeyPatch
) -> None:
    out, before = rendered_once
    import erpgo_monctl.render.grafana as grafana  # a late target: earlier ones have rendered by then

    def explode(model: object) -> dict[object, bytes]:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(grafana, "render", explode)
    result = runner.invoke(app, ["render", str(ERPGO_SPEC), "--out", str(out)])
    assert result.exit_code != 0
    assert _snapshot(out.parent) == before


@pytest.mark.parametrize("failing", ["swap", "staging"])
def test_a_write_failing_after_staging_began_leaves_the_output_untouched(
    rendered_once: tuple[Path, dict[str, bytes | None]], monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    out, before = rendered_once
    if failing == "swap":

        def no_swap(staging: Path, target: Path) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(write, "_swap", no_swap)
    else:
        real_write_bytes = Path.write_bytes
        written: list[Path] = []

        def fail_after_three(self: Path, data: bytes) -> int:  # type: ignore[override]
            if len(written) == 3:
                raise OSError(28, "No space left on device")
            written.append(self)
            return real_write_bytes(self, data)

        monkeypatch.setattr(Path, "write_bytes", fail_after_three)
    result = runner.invoke(app, ["render", str(ERPGO_SPEC), "--out", str(out)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)  # a message, not a traceback
    assert "No space left on device" in result.stderr and "is unchanged" in result.stderr
    monkeypatch.undo()
    assert _snapshot(out.parent) == before  # and no staging directory left beside it
