"""A team file maps to the root spec(s) that include it; a root spec, or a file nobody includes, to itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from erpgo_monctl.load.roots import RootFinder, validation_targets

ROOT = """\
version: 1
name: shop
include: [teams/*.yaml]
services:
  - {name: gateway, targets: ["gateway:8080"]}
"""
TEAM = """\
include: [checkout/exporters.yaml]
services:
  - {name: checkout, targets: ["checkout:8080"]}
"""
SUB = """\
exporters:
  - {name: checkout-db, kind: postgres, targets: ["db:9187"]}
"""


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "specs/teams/checkout").mkdir(parents=True)
    (tmp_path / "specs/shop.yaml").write_text(ROOT)
    (tmp_path / "specs/teams/checkout.yaml").write_text(TEAM)
    (tmp_path / "specs/teams/checkout/exporters.yaml").write_text(SUB)
    (tmp_path / "specs/broken.yaml").write_text("version: [1\n")  # unreadable YAML: never a root
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n")  # YAML that is no spec
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_a_team_file_and_a_file_it_includes_map_to_the_outermost_root(tree: Path) -> None:
    finder = RootFinder(tree)
    assert finder.roots_of(Path("specs/teams/checkout.yaml")) == [Path("specs/shop.yaml")]
    # teams/checkout.yaml includes it too, but is itself included: only the root is validated
    assert finder.roots_of(Path("specs/teams/checkout/exporters.yaml")) == [Path("specs/shop.yaml")]
    assert finder.roots_of(Path("specs/shop.yaml")) == []


def test_targets_validate_each_root_once_for_all_the_files_given(tree: Path) -> None:
    given = [
        Path("specs/teams/checkout.yaml"),
        Path("specs/shop.yaml"),
        Path("specs/teams/checkout/exporters.yaml"),
    ]
    targets = validation_targets(given, tree)
    assert [(t.spec, t.given) for t in targets] == [
        (
            Path("specs/shop.yaml"),
            (Path("specs/teams/checkout.yaml"), Path("specs/teams/checkout/exporters.yaml")),
        )
    ]


def test_a_file_nobody_includes_and_a_missing_file_are_validated_as_given(tree: Path) -> None:
    (tree / "specs/other.yaml").write_text("services: []\n")
    given = [Path("specs/other.yaml"), Path("specs/missing.yaml")]
    assert [(t.spec, t.given) for t in validation_targets(given, tree)] == [
        (Path("specs/other.yaml"), ()),
        (Path("specs/missing.yaml"), ()),
    ]


def test_roots_are_only_looked_for_up_to_the_stop_directory(tree: Path) -> None:
    # with the search stopped at specs/teams, specs/shop.yaml is out of reach
    assert RootFinder(tree / "specs/teams").roots_of(tree / "specs/teams/checkout.yaml") == []


def test_a_sibling_spec_without_include_is_not_parsed(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pre-commit hook validates one big spec beside others: they are not parsed to find roots."""
    import erpgo_monctl.load.roots as roots

    parsed: list[Path] = []
    real = roots.load_file

    def counting(path: Path) -> object:
        parsed.append(path)
        return real(path)

    monkeypatch.setattr(roots, "load_file", counting)
    (tree / "specs/other.yaml").write_text("version: 1\nname: other\n")
    assert RootFinder(tree).roots_of(Path("specs/teams/checkout.yaml")) == [Path("specs/shop.yaml")]
    assert Path("specs/other.yaml") not in parsed and Path("specs/shop.yaml") in parsed
