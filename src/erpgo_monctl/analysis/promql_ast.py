"""Facts read off a PromQL AST (promql_parser): nodes, selectors, constants, and whether it filters.

Every answer is conservative: where PromQL semantics leave the answer open
the functions say "unknown" (None, or an open label set), so rules built on
them report only what is certain.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import timedelta
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
    """A canonical text of an expression, for telling whether two expressions are the same.

    Equal for expressions that differ only in whitespace, parentheses that change nothing,
    the order of a selector's matchers or of a by/without/on/ignoring/group_x label list,
    `{__name__="x"}` for `x`, and the spelling of a duration (`5m`, `300s`). The tree is
    printed as the parser read it, fully bracketed, so precedence still counts:
    `(a + b) * c` and `a + b * c` differ.
    """
    import promql_parser as p

    node = unwrap(node)
    if isinstance(node, p.VectorSelector):
        groups = [node.matchers.matchers, *(node.matchers.or_matchers or [])]
        texts = [",".join(sorted(_matcher_text(m) for m in g if not _names_metric(m))) for g in groups]
        inside = " or ".join(sorted(text for text in texts if text))
        return f"{selector_name(node) or ''}{{{inside}}}{_offset_at(node)}"
    if isinstance(node, p.MatrixSelector):
        return f"{normalise(node.vector_selector)}[{_duration(node.range)}]"
    if isinstance(node, p.SubqueryExpr):
        step = _duration(node.step) if node.step is not None else ""
        return f"({normalise(node.expr)})[{_duration(node.range)}:{step}]{_offset_at(node)}"
    if isinstance(node, p.BinaryExpr):
        return f"({normalise(node.lhs)} {op_of(node)}{_binary_modifier(node.modifier)} {normalise(node.rhs)})"
    if isinstance(node, p.AggregateExpr):
        modifier = node.modifier
        grouping = "" if modifier is None else f" {_label_list(modifier.type, modifier.labels)}"
        args = [normalise(node.param)] if node.param is not None else []
        return f"{op_of(node)}{grouping}({', '.join([*args, normalise(node.expr)])})"
    if isinstance(node, p.Call):
        return f"{node.func.name}({', '.join(normalise(arg) for arg in node.args)})"
    if isinstance(node, p.UnaryExpr):
        return f"(-{normalise(node.expr)})"
    if isinstance(node, p.NumberLiteral):
        return repr(float(node.val))
    return str(node)  # string literals print canonically already


def _names_metric(matcher: Node) -> bool:
    import promql_parser as p

    return bool(matcher.name == "__name__" and matcher.op == p.MatchOp.Equal)


def _matcher_text(matcher: Node) -> str:
    op = {"Equal": "=", "NotEqual": "!=", "Re": "=~", "NotRe": "!~"}[str(matcher.op).rsplit(".", 1)[-1]]
    return f"{matcher.name}{op}{json.dumps(str(matcher.value))}"


def _duration(value: Any) -> str:
    """A duration as seconds (`5m` and `300s` alike); the parser gives a timedelta."""
    return f"{value.total_seconds():g}s" if isinstance(value, timedelta) else str(value)


def _offset_at(node: Node) -> str:
    offset = f" offset {_duration(node.offset)}" if node.offset is not None else ""
    return offset + (f" {node.at}" if node.at is not None else "")


def _label_list(kind: Node, labels: Any) -> str:
    """`by(a,b)`, `without(...)`, `on(...)`, `ignoring(...)` with the labels sorted."""
    name = str(kind).rsplit(".", 1)[-1].lower()
    name = {"include": "on", "exclude": "ignoring"}.get(name, name)
    return f"{name}({','.join(sorted(labels))})"


def _binary_modifier(modifier: Node) -> str:
    if modifier is None:
        return ""
    text = " bool" if modifier.return_bool else ""
    if modifier.matching is not None:
        text += f" {_label_list(modifier.matching.type, modifier.matching.labels)}"
    card = str(modifier.card).rsplit(".", 1)[-1]
    if card in ("ManyToOne", "OneToMany"):
        side = "group_left" if card == "ManyToOne" else "group_right"
        text += f" {side}({','.join(sorted(modifier.group_labels or []))})"
    fill = modifier.fill_values
    if fill is not None and (fill.lhs is not None or fill.rhs is not None):
        text += f" fill({fill.lhs},{fill.rhs})"
    return text


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
