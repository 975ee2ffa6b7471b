"""What promql-parser accepts but Prometheus refuses: regexes that are not RE2, numbers out of range.

The Rust parser validate/promql.py uses compiles `=~` values with Rust's regex crate (which
takes `a{1001}`) and reads `1e400` as +Inf; Prometheus compiles every matcher regex with Go's
RE2 and parses numbers with strconv.ParseFloat, refusing both. Each parsed expression's
matchers and number literals are checked here as Prometheus reads them.
"""

from __future__ import annotations

import math
import re

from erpgo_monctl.analysis.promql import blank_strings, parse
from erpgo_monctl.analysis.promql_ast import children
from erpgo_monctl.analysis.regex import re2_problem
from erpgo_monctl.diagnostics import Diagnostic

from .context import Context
from .promql import expressions

# a number literal standing alone (not part of a name, a duration such as 5m, or a longer number)
_NUMBER_RE = re.compile(r"(?<![\w.])(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?(?![\w.])")


def check(ctx: Context) -> list[Diagnostic]:
    found = []
    for expression in expressions(ctx):
        tree, _ = parse(expression.text)
        if tree is None:
            continue  # E201/E202 already
        for value, op in regex_matchers(tree):
            reason = re2_problem(value)
            if reason:
                found.append(
                    ctx.diag(
                        expression.path,
                        "E203",
                        f"the regex {op}{value!r} is refused by Prometheus: {reason}",
                    )
                )
        for literal in out_of_range_numbers(expression.text):
            found.append(
                ctx.diag(
                    expression.path,
                    "E204",
                    f"number {literal} is out of range (Prometheus parses numbers as 64-bit floats, "
                    "at most about 1.8e308): write a smaller number, or Inf",
                )
            )
    return found


def regex_matchers(tree: object) -> list[tuple[str, str]]:
    """(value, op) of every `=~`/`!~` matcher in the expression, iteratively."""
    import promql_parser as p

    found: list[tuple[str, str]] = []
    pending = [tree]
    while pending:
        node = pending.pop()
        if isinstance(node, p.VectorSelector):  # a matrix selector's vector selector is its child
            for matcher in node.matchers.matchers:
                if matcher.op in (p.MatchOp.Re, p.MatchOp.NotRe):
                    found.append((str(matcher.value), "=~" if matcher.op == p.MatchOp.Re else "!~"))
        pending.extend(children(node))
    return found


def out_of_range_numbers(expr: str) -> list[str]:
    """Number literals outside strings that a 64-bit float cannot hold (ParseFloat: out of range)."""
    bare = blank_strings(expr)
    return [m.group() for m in _NUMBER_RE.finditer(bare) if math.isinf(float(m.group().replace("_", "")))]
