"""The documented pre-commit hook, run by the real `pre-commit try-repo` on a repository with split specs.

pre-commit passes the changed files; a team file among them must be checked as part of the root spec
that includes it (issue 11, item 9). The hook definition is the repository's own
`.pre-commit-hooks.yaml` with one change: `language: system` runs the `monctl` under test instead of
building a fresh virtualenv of the package from PyPI (which `language: python` would do).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
ROOT = """\
version: 1
name: shop
include: [teams/*.yaml]
services:
  - {name: gateway, targets: ["gateway:8080"]}
alertmanager:
  route: {receiver: platform}
  receivers:
    - {name: platform, webhook: [{url: "http://hooks.internal:9000/platform"}]}
"""
TEAM = """\
services:
  - {name: checkout, targets: ["checkout:8080"]}
alertmanager:
  receivers:
    - {name: checkout-team, webhook: [{url: "http://hooks.internal:9000/checkout"}]}
  routes:
    - {matchers: ['job="checkout"'], receiver: checkout-team}
"""


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repos(tmp_path: Path) -> tuple[Path, Path]:
    if not PRE_COMMIT.exists() or shutil.which("git") is None:
        pytest.skip("pre-commit (pip install pre-commit) and git are needed")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    [hook] = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["language"] == "python"
    (hooks / ".pre-commit-hooks.yaml").write_text(yaml.safe_dump([{**hook, "language": "system"}]))
    _git(hooks, "init", "-q")
    _git(hooks, "add", ".")
    _git(hooks, "commit", "-qm", "hooks")
    consumer = tmp_path / "consumer"
    (consumer / "specs/teams").mkdir(parents=True)
    (consumer / "specs/shop.yaml").write_text(ROOT)
    (consumer / "specs/teams/checkout.yaml").write_text(TEAM)
    _git(consumer, "init", "-q")
    _git(consumer, "add", ".")
    _git(consumer, "commit", "-qm", "specs")
    return hooks, consumer


def _try_repo(hooks: Path, consumer: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(consumer.parent / "pre-commit-home"),
    }
    selection = ["--files", *files] if files else ["--all-files"]
    return subprocess.run(
        [str(PRE_COMMIT), "try-repo", str(hooks), "monctl-validate", *selection],
        cwd=consumer,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_changed_team_file_is_checked_within_its_root_spec(repos: tuple[Path, Path]) -> None:
    hooks, consumer = repos
    result = _try_repo(hooks, consumer, "specs/teams/checkout.yaml")
    assert result.returncode == 0, result.stdout
    assert "missing required key" not in result.stdout
    assert _try_repo(hooks, consumer).returncode == 0  # every spec file at once: the root once


def test_a_team_change_that_breaks_the_root_fails_the_hook_located_in_the_team_file(
    repos: tuple[Path, Path],
) -> None:
    hooks, consumer = repos
    team = consumer / "specs/teams/checkout.yaml"
    team.write_text(TEAM.replace("receiver: checkout-team}", "receiver: checkout-tem}"))
    result = _try_repo(hooks, consumer, "specs/teams/checkout.yaml")
    assert result.returncode == 1
    assert (
        "specs/teams/checkout.yaml:7:48: error[E301]: alertmanager.route.routes[0].receiver: "
        "receiver 'checkout-tem' is not defined" in result.stdout
    )
