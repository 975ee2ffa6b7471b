"""Fixtures of the kubernetes target: the ERPGo render, small specs made from tests/validate/minimal.yaml."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from ruamel.yaml import YAML

from erpgo_monctl.render.kubernetes import render
from erpgo_monctl.resolve.model import Model
from tests.conftest import REPO, build_model

MINIMAL = REPO / "tests" / "validate" / "minimal.yaml"
Tree = dict[PurePosixPath, bytes]


def load(content: bytes) -> Any:
    return YAML(typ="safe", pure=True).load(content.decode("utf-8"))


def resources(tree: Tree, kind: str) -> dict[str, Any]:
    """The resources of `kind` in a rendered tree, by metadata.name."""
    found = {}
    for path, content in tree.items():
        if len(path.parts) == 1 and path.name != "kustomization.yaml":
            document = load(content)
            if document["kind"] == kind:
                found[document["metadata"]["name"]] = document
    return found


@pytest.fixture(scope="session")
def erpgo_kubernetes(erpgo_model: Model) -> Tree:
    return render(erpgo_model)


@pytest.fixture
def minimal_model(tmp_path: Path) -> Callable[[str], Model]:
    """A Model of minimal.yaml with `extra` YAML appended (top-level keys) after `replace`s in its text."""

    def make(extra: str = "", replace: dict[str, str] | None = None) -> Model:
        text = MINIMAL.read_text(encoding="utf-8")
        for old, new in (replace or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        spec = tmp_path / "spec.yaml"
        spec.write_text(text + extra, encoding="utf-8")
        return build_model(spec)

    return make
