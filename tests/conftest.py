"""Shared fixtures: the ERPGo model, its rendered tree, the seed's own configs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path, PurePosixPath

import pytest

from erpgo_monctl.load.files import load_file
from erpgo_monctl.load.parse import parse_spec
from erpgo_monctl.resolve.model import Model, resolve

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
ERPGO_SPEC = REPO / "specs" / "erpgo.yaml"
SEED = SHARED / "seed" / "erpgo-monitoring-guide.md"


def build_model(path: Path = ERPGO_SPEC) -> Model:
    loaded = load_file(path)
    return resolve(parse_spec(loaded), loaded.source)


@pytest.fixture(scope="session")
def erpgo_model() -> Model:
    return build_model()


@pytest.fixture(scope="session")
def rendered(erpgo_model: Model) -> dict[PurePosixPath, bytes]:
    from erpgo_monctl.pipeline import render_model

    return render_model(erpgo_model)


@pytest.fixture(scope="session")
def rendered_dir(rendered: dict[PurePosixPath, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ERPGo tree written to disk once per session (for the real checkers)."""
    from erpgo_monctl.write import write_tree

    out = tmp_path_factory.mktemp("render") / "out"
    write_tree(rendered, out)
    return out


def seed_block(first_line: str) -> str:
    """The seed guide's fenced block whose first line is `first_line` (e.g. `# configs/alertmanager.yml`)."""
    if not SEED.is_file():
        pytest.skip(f"seed guide not found at {SEED}")
    for block in re.findall(r"```(?:yaml|json)\n(.*?)```", SEED.read_text(encoding="utf-8"), flags=re.S):
        if block.startswith(first_line):
            return str(block)
    raise AssertionError(f"no seed block starts with {first_line!r}")


def need(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.skip(f"{tool} is not installed (apt-get install prometheus prometheus-alertmanager)")
    return found
