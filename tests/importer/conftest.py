"""Inputs of the importer tests: the data directory, and the seed's own configs written to disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import seed_block

DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def seed_configs(tmp_path: Path) -> Path:
    """The seed guide's prometheus.yml, alert_rules.yml and alertmanager.yml, side by side."""
    for name in ("prometheus.yml", "alert_rules.yml", "alertmanager.yml"):
        (tmp_path / name).write_text(seed_block(f"# configs/{name}"), encoding="utf-8")
    return tmp_path


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path
