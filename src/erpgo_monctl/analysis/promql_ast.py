"""Facts read off a PromQL AST (promql_parser): nodes, selectors, constants, and whether it filters.

Every answer is conservative: where PromQL semantics leave the answer open
the functions say "unknown" (None, or an open label set), so rules built on
them report only what is certain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

Node = Any  # a promql_parser expression node

COMPARISONS = frozenset({"==", "!=", ">", "<", ">=", "<="})
COUNTER_FUNCTIONS = frozenset({"rate", "irate", "increase"})
# functions of a range vector that need two or more samples in the range
TWO_SAMPLE_FUNCTIONS = frozenset(
    {"rate", "irate", "increase", "delta", "idelta", "deriv", "predict_linear", "resets", "changes"}
)
_SCALAR_FUNCTIONS = frozenset({"scalar", "time", "pi"})


def op_of(node: Node) -> str:
    return str(node.op)


def unwrap(node: Node) -> Node:
    """`node` without surrounding parentheses."""
    import promql_parser

    while isinstance(node, promql_parser.ParenExpr):
        node = node.expr
    return node


def children(node: Node) -> list[Node]:
    import promql_parser as p

    if isinstance(node, p.BinaryExpr):
        return [node.lhs, node.rhs]
    if isinstance(node, p.AggregateExpr):
        return [node.param, node.expr] if node.param is not None else [node.expr]
    if isinstance(node, p.Call):
        return list(node.args)
    if isinstance(node, p.MatrixSelector):
        return [node.vector_selector]
    if isinstance(node, p.ParenExpr | p.UnaryExpr | p.SubqueryExpr):
        return [node.expr]
    return []


def walk(node: Node, ancestors: tuple[Node, ...] = ()) -> Iterator[tuple[Node, tuple[Node, ...]]]:
    """Every node depth-first, with its ancestors (outermost first)."""
    yield node, ancestors
    for child in children(node):
        yield from walk(child, (*ancestors, node))


def selector_name(node: Node) -> str | None:
    """The metric name a vector or matrix selector reads (also via `__name__="..."`)."""
    import promql_parser as p

    if isinstance(node, p.MatrixSelector):
        node = node.vector_selector
    if not isinstance(node, p.VectorSelector):
        return None
    if node.name:
        return str(node.name)
    for matcher in node.matchers.matchers:
        if matcher.name == "__name__" and matcher.op == p.MatchOp.Equal:
            return str(matcher.value)
    return None


def equality_matchers(node: Node) -> dict[str, str]:
    import promql_parser as p

    if isinstance(node, p.MatrixSelector):
        node = node.vector_selector
    if not isinstance(node, p.VectorSelector):
        return {}
    return {
        m.name: m.value for m in node.matchers.matchers if m.op == p.MatchOp.Equal and m.name != "__name__"
    }


def selectors(node: Node) -> list[Node]:
    import promql_parser as p

    return [n for n, _ in walk(node) if isinstance(n, p.VectorSelector)]


def constant(node: Node) -> float | None:
    """The value of a constant scalar expression such as `24*60*60`, else None."""
    import promql_parser as p

    node = unwrap(node)
    if isinstance(node, p.NumberLiteral):
        return float(node.val)
    if isinstance(node, p.UnaryExpr):
        inner = constant(node.expr)
        return None if inner is None else -inner
    if isinstance(node, p.BinaryExpr) and op_of(node) in ("+", "-", "*", "/"):
        lhs, rhs = constant(node.lhs), constant(node.rhs)
        if lhs is None or rhs is None:
            return None
        op = op_of(node)
        if op == "/":
            return lhs / rhs if rhs else None
        return lhs + rhs if op == "+" else lhs - rhs if op == "-" else lhs * rhs
    return None


def is_scalar(node: Node) -> bool:
    import promql_parser as p

    node = unwrap(node)
    if isinstance(node, p.NumberLiteral):
        return True
    if isinstance(node, p.UnaryExpr):
        return is_scalar(node.expr)
    if isinstance(node, p.Call):
        return str(node.func.name) in _SCALAR_FUNCTIONS
    if isinstance(node, p.BinaryExpr):
        return is_scalar(node.lhs) and is_scalar(node.rhs)
    return False


def is_bool_comparison(node: Node) -> bool:
    return node.modifier is not None and bool(node.modifier.return_bool)


def normalise(node: Node) -> str:
    """A canonical text: whitespace, redundant spacing and clause order do not matter."""
    return str(node)


# ---------------------------------------------------------------------------------------------- filters


def is_filter(node: Node, recorded: Callable[[str], Node | None]) -> bool | None:
    """Whether `node` returns only some of its series (True), all of them (False) or cannot tell (None).

    `recorded(name)` gives the AST of a recording rule of that name (or None).
    """
    return _filter(node, recorded, frozenset())


def _all(results: list[bool | None]) -> bool | None:
    if any(r is False for r in results):
        return False
    return None if any(r is None for r in results) else True


def _any(results: list[bool | None]) -> bool | None:
    if any(r is True for r in results):
        return True
    return None if any(r is None for r in results) else False


def _filter(node: Node, recorded: Callable[[str], Node | None], seen: frozenset[str]) -> bool | None:
    import promql_parser as p

    node = unwrap(node)
    if isinstance(node, p.BinaryExpr):
        op = op_of(node)
        if op in COMPARISONS:
            return not is_bool_comparison(node)
        if op in ("and", "unless"):
            return True
        sides = [_filter(node.lhs, recorded, seen), _filter(node.rhs, recorded, seen)]
        return _all(sides) if op == "or" else _any(sides)
    if isinstance(node, p.AggregateExpr | p.UnaryExpr | p.SubqueryExpr):
        return _filter(node.expr, recorded, seen)
    if isinstance(node, p.Call):
        if str(node.func.name) in ("absent", "absent_over_time"):
            return True
        return _any([_filter(arg, recorded, seen) for arg in node.args])
    if isinstance(node, p.VectorSelector):
        name = selector_name(node)
        if name is None:
            return None
        rule = recorded(name) if name not in seen else None
        if rule is not None:
            return _filter(rule, recorded, seen | {name})
        return None if ":" in name else False
    return False
