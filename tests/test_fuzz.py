"""Fuzzing `monctl validate`: any mutation of the ERPGo spec gives exit 0, or exit 1 with located findings.

Mutations drop keys and items, swap values for garbage of every YAML type, and insert garbage
keys, at random paths of specs/erpgo.yaml; the text is dumped back to YAML and validated
through the CLI in-process. An uncaught exception, a crash or an unlocated error fails the test.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from tests.conftest import ERPGO_SPEC

BASE: dict[str, Any] = yaml.safe_load(ERPGO_SPEC.read_text(encoding="utf-8"))
runner = CliRunner()


def _paths(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*path, index))
    return found


PATHS = _paths(BASE)[1:]  # never the root itself
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
    st.sampled_from(
        [
            "",
            "5m",
            "5 minutes",
            "up",
            "sum(",
            'x{a="',
            "{{window}}",
            "latest",
            "a:b",
            "__x",
            "http://u:p@h/x",
            "https://hooks.slack.com/services/T/B/C",
            "critical",
            "-1",
            "1e309",
        ]
    ),
)
GARBAGE = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(TEXT, inner, max_size=3)),
    max_leaves=6,
)


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated_specs(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from(PATHS))
        try:
            parent = _parent(data, path)
            _ = parent[path[-1]]  # the path may be gone after an earlier mutation
        except (KeyError, IndexError, TypeError):
            continue
        action = draw(st.sampled_from(["drop", "replace", "insert"]))
        if action == "drop":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(GARBAGE)
        elif isinstance(parent[path[-1]], dict):
            parent[path[-1]][draw(TEXT)] = draw(GARBAGE)
        elif isinstance(parent[path[-1]], list):
            parent[path[-1]].insert(draw(st.integers(0, len(parent[path[-1]]))), draw(GARBAGE))
    return data


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200)


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=mutated_specs())
def test_every_mutation_is_valid_or_a_located_error(data: dict[str, Any], tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(_dump(data), encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(spec)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.output
    found = json.loads(result.stdout)
    errors = [d for d in found if d["severity"] == "error"]
    if result.exit_code == 0:
        assert errors == []
    else:
        assert errors, "exit 1 without an error"
        for diag in errors:
            assert diag["line"] >= 1 and diag["column"] >= 1, diag
            assert diag["file"] == str(spec) and diag["code"][0] == "E"
            assert diag["code"] != "E000", diag["message"]  # an internal error is a bug, not an answer
            assert diag["message"] and not math.isnan(diag["line"])


BASE_TEXT = ERPGO_SPEC.read_text(encoding="utf-8")


@st.composite
def mangled_texts(draw: st.DrawFn) -> str:
    """The spec's text with a few characters inserted, deleted or replaced (YAML-level damage)."""
    text = BASE_TEXT
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text) - 1))
        junk = draw(
            st.sampled_from(
                [
                    "\t",
                    ":",
                    "- ",
                    "[",
                    "{",
                    "}",
                    "&a ",
                    "*a",
                    "!!",
                    "'",
                    '"',
                    "\n  ",
                    "\x00",
                    "\u00e9",
                    "#",
                    "|",
                    ">",
                    "? ",
                    "---\n",
                    "<<: ",
                ]
            )
            | TEXT
        )
        cut = draw(st.integers(min_value=0, max_value=3))
        text = text[:at] + junk + text[at + cut :]
    return text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mangled_texts())
def test_every_damaged_text_is_valid_or_a_located_error(text: str, tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["validate", "--format", "json", str(spec)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.output
    errors = [d for d in json.loads(result.stdout) if d["severity"] == "error"]
    assert (result.exit_code == 1) == bool(errors)
    assert all(d["line"] >= 1 and d["column"] >= 1 and d["code"] != "E000" for d in errors), errors
