"""analysis.regex: RE2 as Go's regexp reads it, proven against promtool and amtool, never Python's `re`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from erpgo_monctl.analysis.regex import full_match, re2_problem
from tests.conftest import need

VALID = [
    r"api|web",
    r"\pL+",
    r"foo\z",
    r"(?i)API",
    r"a{1000}",
    r"(?P<x>a)b",
    r"[[:alpha:]]+",
    r"5..",
    r"\Qa.b\E",
]
INVALID = {
    r"(?=a)b": "invalid perl operator",
    r"(?!shop).*": "invalid perl operator",
    r"(?<=a)b": "invalid perl operator",
    r"(a)\1": "invalid escape sequence",
    r"a{1001}": "invalid repetition size",
    r"(shop": "missing )",
    r"a++": "bad repetition operator",
    r"\C": r"\C",
    r"(?<name>a)": "(?P<name>...)",
}


@pytest.mark.parametrize("pattern", VALID)
def test_valid_re2_passes_even_where_python_re_refuses(pattern: str) -> None:
    assert re2_problem(pattern) is None


@pytest.mark.parametrize(("pattern", "expected"), INVALID.items())
def test_what_go_refuses_is_refused_with_the_reason(pattern: str, expected: str) -> None:
    problem = re2_problem(pattern)
    assert problem is not None and expected in problem


def test_matching_is_anchored_and_unicode_aware() -> None:
    assert full_match(r"\pL+", "été") and not full_match(r"\pL+", "été1")
    assert full_match("api|web", "web") and not full_match("api|web", "webx")
    assert not full_match("(?=a)", "a")  # a refused pattern matches nothing


def test_promtool_agrees_on_every_pattern(tmp_path: Path) -> None:
    promtool = need("promtool")
    patterns = [*VALID, *INVALID]
    rules = [{"alert": f"A{i}", "expr": f"up{{job=~`{p}`}}"} for i, p in enumerate(patterns)]
    verdicts = []
    for index, rule in enumerate(rules):  # one file per pattern: promtool reports a file's first error
        path = tmp_path / f"r{index}.yml"
        path.write_text(json.dumps({"groups": [{"name": "g", "rules": [rule]}]}), encoding="utf-8")
        proc = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, check=False)
        verdicts.append(proc.returncode == 0)
    assert verdicts == [re2_problem(p) is None for p in patterns]


def test_amtool_agrees_on_every_route_matcher(tmp_path: Path) -> None:
    amtool = need("amtool")
    patterns = [*VALID, *INVALID]
    verdicts = []
    for index, pattern in enumerate(patterns):
        value = pattern.replace("\\", "\\\\").replace('"', '\\"')
        config = {
            "route": {"receiver": "a", "routes": [{"receiver": "a", "matchers": [f'job=~"{value}"']}]},
            "receivers": [{"name": "a"}],
        }
        path = tmp_path / f"am{index}.yml"
        path.write_text(json.dumps(config), encoding="utf-8")
        proc = subprocess.run([amtool, "check-config", str(path)], capture_output=True, check=False)
        verdicts.append(proc.returncode == 0)
    assert verdicts == [re2_problem(p) is None for p in patterns]
