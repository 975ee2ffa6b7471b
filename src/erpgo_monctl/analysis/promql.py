"""The one way monctl parses PromQL: guarded against inputs that hang or crash the parser, and cached.

promql-parser is Rust behind PyO3: it overflows its native stack (a segfault, not
an exception) on deeply nested input and slows to minutes on a thousand nested
parentheses. Every PromQL text monctl parses — spec expressions, SLO queries,
latency selectors, test series, rendered dashboard targets — goes through
`parse`, which refuses such input with a message before the parser sees it.
A layer test keeps `promql_parser.parse` out of every other module.

Also here: what both the spec checks and the rendered-dashboard checker need to
read a Grafana query (`promql_for_parser`), and the cheap per-text facts the
checks share (`facts`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from erpgo_monctl.analysis.promql_ast import children, equality_matchers, selector_name
from erpgo_monctl.analysis.promql_labels import output_labels

# promql-parser overflows its stack on absurd nesting: refuse those before parsing.
MAX_NESTING = 64
MAX_OPERATORS = 200
MAX_LENGTH = 20_000
_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', re.S)
_OPERATOR_RE = re.compile(r"[-+*/%^]|[=!<>]=|[<>]|\b(?:and|or|unless|atan2)\b")
# Grafana's variables: `[$__rate_interval]` is a range, `$job` / `${job}` / `[[job]]` a value.
_RANGE_VARIABLE = re.compile(r"(?<=[\[:])\s*\$(?:\{[^}]*\}|\w+)\s*(?=[]:])")
_VARIABLE = re.compile(r"\$(?:\{[^}]*\}|\w+)|\[\[[^]]*\]\]")
GRAFANA_PLACEHOLDER = "grafana_variable"  # what promql_for_parser writes for a $variable


def blank_strings(expr: str) -> str:
    """`expr` with every string literal emptied, so no text inside quotes is read as PromQL."""
    return _STRING_RE.sub('""', expr)


@cache
def complexity_problem(expr: str) -> str | None:
    """Why `expr` is too big or too deep to hand to the parser, or None when it is safe."""
    if len(expr) <= MAX_OPERATORS and sum(map(expr.count, "([{")) <= MAX_NESTING:
        return None  # too short for MAX_OPERATORS, too few brackets to nest past MAX_NESTING
    if len(expr) > MAX_LENGTH:
        return f"expression is {len(expr):,} characters (limit {MAX_LENGTH:,}): split it with recording rules"
    bare = blank_strings(expr)
    depth = deepest = 0
    for char in bare:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    if deepest > MAX_NESTING:
        return f"brackets nest {deepest} deep (limit {MAX_NESTING}): split it with recording rules"
    operators = len(_OPERATOR_RE.findall(bare))
    if operators > MAX_OPERATORS:
        return f"expression has {operators} operators (limit {MAX_OPERATORS}): split it with recording rules"
    return None


@lru_cache(maxsize=1024)
def parse(expr: str) -> tuple[Any, str | None]:
    """(syntax tree, None) when `expr` is valid PromQL, else (None, why not).

    Too complex for the parser is a reason too (see `complexity_problem`); the
    tree is shared between callers, so never change it.
    """
    import promql_parser

    problem = complexity_problem(expr)
    if problem:
        return None, problem
    try:
        return promql_parser.parse(expr), None
    except (ValueError, TypeError, RuntimeError) as exc:
        return None, str(exc) or "invalid PromQL"


def promql_for_parser(expr: str) -> str:
    """`expr` with Grafana variables replaced by values PromQL accepts (`[$__rate_interval]` -> `[5m]`)."""
    return _VARIABLE.sub(GRAFANA_PLACEHOLDER, _RANGE_VARIABLE.sub("5m", expr))


def metric_names(tree: Any) -> list[str]:
    """Every metric name selected in an expression, in order of appearance (iterative: no recursion limit)."""
    import promql_parser

    found: list[str] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, promql_parser.VectorSelector):
            name = selector_name(node)
            if name:
                found.append(name)
        pending.extend(reversed(children(node)))
    return found


def selector_jobs(tree: Any) -> frozenset[str] | None:
    """The jobs the selectors read (each must say job="x"), or None; iterative, like metric_names."""
    import promql_parser

    found: set[str] = set()
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, promql_parser.VectorSelector):
            job = equality_matchers(node).get("job")
            if job is None:
                return None
            found.add(job)
        pending.extend(children(node))
    return frozenset(found)


@dataclass(frozen=True)
class Facts:
    """What the checks need of one expression, derived from one parse (the tree is not kept)."""

    error: str | None  # the parser's message, or None when it parses
    metric_names: tuple[str, ...]  # distinct selected metric names, in order of appearance
    output_labels: frozenset[str] | None  # labels the result can carry (None: unknown)
    # the `job` values the selectors name (job="x"); None when a selector names none (any job)
    selector_jobs: frozenset[str] | None = None


# Unbounded on purpose, and small: a spec of 1,000 services has ~15,000 distinct expressions
# that every check reads; their facts take ~100 bytes where a kept syntax tree takes ~20 kB.
@cache
def facts(expr: str) -> Facts:
    """The Facts of `expr`, parsing each distinct text once per process."""
    tree, problem = parse(expr)
    if tree is None:
        return Facts(problem, (), None)
    names = tuple(dict.fromkeys(metric_names(tree)))
    return Facts(None, names, output_labels(tree).bounded, selector_jobs(tree))


def parse_error(expr: str) -> str | None:
    """Why `expr` is not PromQL monctl can check, else None."""
    return facts(expr).error
