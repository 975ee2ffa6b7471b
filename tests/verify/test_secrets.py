"""`monctl check` on a tree plus its secrets directory: a secret a container cannot read fails loudly."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from erpgo_monctl.verify.secrets import readable_by
from erpgo_monctl.verify.tools import check_secrets

COMPOSE = """\
services:
  grafana:
    image: grafana/grafana:12.2.0
    secrets: [grafana_admin_password]
  alertmanager:
    image: prom/alertmanager:v0.28.1
    secrets: [slack]
secrets:
  grafana_admin_password: {file: ../secrets/grafana_admin_password}
  slack: {file: ../secrets/slack}
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    out.mkdir()
    (out / "docker-compose.monitoring.yml").write_text(COMPOSE)
    return out


def _secrets(tree: Path, **files: tuple[str, int]) -> Path:
    directory = tree.parent / "secrets"
    directory.mkdir()
    for name, (content, mode) in files.items():
        (directory / name).write_text(content)
        (directory / name).chmod(mode)
    return directory


def test_world_readable_non_empty_secrets_pass(tree: Path) -> None:
    _secrets(tree, grafana_admin_password=("s3cret\n", 0o444), slack=("https://hooks/x\n", 0o444))
    result = check_secrets(tree / "docker-compose.monitoring.yml", None)
    assert result is not None and result.ok, result


def test_missing_empty_and_unreadable_secrets_are_errors_naming_the_fix(tree: Path) -> None:
    _secrets(tree, grafana_admin_password=("s3cret\n", 0o600))
    result = check_secrets(tree / "docker-compose.monitoring.yml", None)
    assert result is not None and not result.ok
    by_path = {d.path: d for d in result.diagnostics}
    assert set(by_path) == {"secrets.grafana_admin_password", "secrets.slack"}
    assert all(d.code == "T040" for d in result.diagnostics)
    if os.getuid() != 472:  # a file owned by another uid, mode 0600: Grafana (uid 472) cannot read it
        assert "uid 472" in by_path["secrets.grafana_admin_password"].message
        assert "chmod 0444" in by_path["secrets.grafana_admin_password"].message
    assert "missing" in by_path["secrets.slack"].message


def test_an_empty_secret_is_an_error(tree: Path) -> None:
    directory = _secrets(tree, grafana_admin_password=("", 0o444), slack=("x", 0o444))
    result = check_secrets(tree / "docker-compose.monitoring.yml", directory)
    assert result is not None
    assert [(d.path, "empty" in d.message) for d in result.diagnostics] == [
        ("secrets.grafana_admin_password", True)
    ]


def test_without_a_secrets_directory_ci_is_not_failed(tree: Path) -> None:
    result = check_secrets(tree / "docker-compose.monitoring.yml", None)
    assert result is not None and result.ok and "not checked" in result.name


def test_readable_by_follows_owner_and_other_bits() -> None:
    assert readable_by(stat.S_IFREG | 0o400, owner=472, uid=472)
    assert not readable_by(stat.S_IFREG | 0o400, owner=0, uid=472)
    assert readable_by(stat.S_IFREG | 0o404, owner=0, uid=65534)
    assert not readable_by(stat.S_IFREG | 0o040, owner=0, uid=65534)
