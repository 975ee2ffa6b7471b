"""The stages in order: validate stays lean; render picks a target; test renders then runs the tools."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ERPGO_SPEC


def test_validate_never_imports_the_renderers_heavy_dependencies() -> None:
    """`monctl validate` loads, resolves and checks; jinja2, grafanalib and jsonschema are render/check's."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from erpgo_monctl.pipeline import load_model\n"
        f"load_model(Path({str(ERPGO_SPEC)!r}))\n"
        "heavy = {'jinja2', 'grafanalib', 'jsonschema'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
