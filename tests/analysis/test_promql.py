"""The one guarded, cached PromQL parse; Grafana variables; metric names and per-text facts."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from erpgo_monctl.analysis import promql
from tests.conftest import need
from tests.validate.builder import minimal, model


@pytest.mark.parametrize(
    ("expr", "needle"),
    [
        ("(" * 65 + "up" + ")" * 65, "nest 65 deep"),
        ("up" + " + up" * 201, "201 operators"),
        ('up{job="' + "x" * 20_001 + '"}', "characters"),
    ],
)
def test_absurd_expressions_are_refused_before_the_parser_sees_them(expr: str, needle: str) -> None:
    tree, problem = promql.parse(expr)
    assert tree is None
    assert problem is not None and needle in problem


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    tree, problem = promql.parse('up{job="' + "(" * 100 + '"}')
    assert problem is None and tree is not None


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        ("up", ["up"]),
        ('{__name__="foo", job="x"}', ["foo"]),
        ('{job="x"}', []),
        ("sum by (le) (rate(a_bucket[5m])) / on (le) group_left b", ["a_bucket", "b"]),
        ("topk(3, max_over_time(c[1h:5m]))", ["c"]),
        ('count_values("v", d) or absent(e)', ["d", "e"]),
        ("-(f offset 5m) > bool 2", ["f"]),
    ],
)
def test_metric_names_finds_every_selector(expr: str, names: list[str]) -> None:
    tree, problem = promql.parse(expr)
    assert problem is None
    assert promql.metric_names(tree) == names


@pytest.mark.parametrize(
    ("expr", "parsed"),
    [
        ("max_over_time(x[$__range:${step}])", "max_over_time(x[5m:5m])"),
        ('rate(x{job=~"$job"}[$__rate_interval])', 'rate(x{job=~"grafana_variable"}[5m])'),
        ('x{i="[[instance]]"}', 'x{i="grafana_variable"}'),
    ],
)
def test_grafana_variables_become_values_the_parser_accepts(expr: str, parsed: str) -> None:
    assert promql.promql_for_parser(expr) == parsed
    assert promql.parse(parsed)[1] is None


def test_parse_is_cached_and_facts_are_derived_once() -> None:
    expr = "sum by (job) (rate(cached_total[5m]))"
    assert promql.parse(expr)[0] is promql.parse(expr)[0]
    found = promql.facts(expr)
    assert found == promql.Facts(None, ("cached_total",), frozenset({"job"}))
    assert promql.parse_error(expr) is None
    assert promql.parse_error("sum(") is not None


def test_only_the_guarded_parse_calls_the_parser() -> None:
    """promql-parser hangs or crashes on absurd input: every call must go through `parse` here."""
    src = Path(promql.__file__).resolve().parents[1]
    callers = sorted(
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and node.attr == "parse"
        and isinstance(node.value, ast.Name)
        and node.value.id in ("promql_parser", "p")
    )
    assert callers == ["analysis/promql.py"]


# Nested parentheses around a dashboard query: 1,000 kept promql-parser busy for ~90 s (and
# `monctl check` passed); 20,000 overflowed its native stack (SIGSEGV). Run as subprocesses so
# a regression is a failed test, not a crashed test runner.
NESTING = (1_000, 20_000)
CLI_TIMEOUT_S = 120


def _nested(depth: int) -> str:
    return "(" * depth + "up" + ")" * depth


def _monctl(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "erpgo_monctl", *args],
        capture_output=True,
        text=True,
        timeout=CLI_TIMEOUT_S,
        check=False,
    )


@pytest.mark.parametrize("depth", NESTING)
def test_validate_refuses_a_deeply_nested_dashboard_query(depth: int, tmp_path: Path) -> None:
    data = minimal()
    data["dashboards"][0]["panels"][0]["queries"][0]["expr"] = _nested(depth)
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    proc = _monctl("validate", "--format", "json", str(spec))
    assert proc.returncode == 1, proc.stderr
    [error] = [d for d in json.loads(proc.stdout) if d["severity"] == "error"]
    assert (error["code"], error["path"]) == ("E202", "dashboards[0].panels[0].queries[0].expr")
    assert error["file"] == str(spec) and error["line"] > 1


@pytest.mark.parametrize("depth", NESTING)
def test_check_refuses_a_deeply_nested_dashboard_target(depth: int, tmp_path: Path) -> None:
    from erpgo_monctl.render.targets import TARGETS, render_target
    from erpgo_monctl.write import write_tree

    need("promtool")
    need("amtool")
    out = tmp_path / "out"
    write_tree(render_target(model(minimal()), TARGETS["compose"]), out)
    [dashboard] = (out / "configs/grafana/dashboards").glob("*.json")
    doc = json.loads(dashboard.read_text(encoding="utf-8"))
    doc["panels"][0]["targets"][0]["expr"] = _nested(depth)
    dashboard.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    proc = _monctl("check", str(out))
    assert proc.returncode == 1, proc.stderr
    assert "FAIL grafana: dashboard schema and rules" in proc.stderr
    lines = dashboard.read_text(encoding="utf-8").splitlines()
    [(line, column)] = [(n, text.index('"((') + 1) for n, text in enumerate(lines, 1) if '"((' in text]
    expected = f"{dashboard}:{line}:{column}: error[G007]: panels[0].targets[0].expr: PromQL too complex"
    assert expected in proc.stderr
