"""Units of PromQL values read off metric names and constant scaling: seconds, bytes, per-second rates."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from erpgo_monctl.analysis.promql_ast import (
    COMPARISONS,
    Node,
    constant,
    is_bool_comparison,
    op_of,
    selector_name,
    selectors,
    unwrap,
    walk,
)

_EPOCH_RE = re.compile(
    r"timestamp|(start|boot|creation|created|change|modified|expiry|expiration)_time_seconds$"
    r"|^node_time_seconds$|expir"
)
_SAME_UNIT_AGGREGATIONS = frozenset({"sum", "avg", "min", "max", "quantile", "topk", "bottomk"})
_SAME_UNIT_OVER_TIME = frozenset(
    {"avg_over_time", "min_over_time", "max_over_time", "quantile_over_time", "last_over_time"}
)
_SAME_UNIT_FUNCTIONS = frozenset(
    {
        "abs",
        "ceil",
        "floor",
        "round",
        "clamp",
        "clamp_min",
        "clamp_max",
        "label_replace",
        "label_join",
        "sort",
        "sort_desc",
    }
)


@dataclass(frozen=True)
class Quantity:
    """What a number measures: `unit` (seconds, bytes, or rate = per second) times `factor`."""

    unit: str
    factor: float = 1.0


def _unit_of_name(name: str | None) -> str | None:
    if name is None:
        return None
    if name.endswith("_seconds") and not _EPOCH_RE.search(name):
        return "seconds"
    if name.endswith("_bytes"):
        return "bytes"
    return None


def quantity(node: Node) -> Quantity | None:
    """The unit of `node`'s values when it can be told from metric names and scaling, else None."""
    import promql_parser as p

    node = unwrap(node)
    if isinstance(node, p.VectorSelector):
        unit = _unit_of_name(selector_name(node))
        return Quantity(unit) if unit else None
    if isinstance(node, p.AggregateExpr):
        return quantity(node.expr) if op_of(node) in _SAME_UNIT_AGGREGATIONS else None
    if isinstance(node, p.Call):
        return _call_quantity(node)
    if isinstance(node, p.BinaryExpr):
        op = op_of(node)
        if (op in COMPARISONS and not is_bool_comparison(node)) or op in ("and", "unless"):
            return quantity(node.lhs)
        lhs_value, rhs_value = constant(node.lhs), constant(node.rhs)
        if (lhs_value is None) == (rhs_value is None):
            return None
        value, side = (lhs_value, node.rhs) if lhs_value is not None else (rhs_value, node.lhs)
        inner = quantity(side)
        if inner is None or value is None:
            return None
        if op in ("+", "-"):
            return inner
        if op == "*":
            return Quantity(inner.unit, inner.factor * value)
        if op == "/" and rhs_value is not None and value:
            return Quantity(inner.unit, inner.factor / value)
    return None


def _call_quantity(node: Node) -> Quantity | None:
    import promql_parser as p

    name = str(node.func.name)
    args = list(node.args)
    if name in ("rate", "irate") and args:
        return Quantity("rate")
    if name == "histogram_quantile" and len(args) == 2:
        names = {selector_name(s) or "" for s in selectors(args[1])}
        units = {_unit_of_name(n[: -len("_bucket")]) for n in names if n.endswith("_bucket")}
        unit = units.pop() if len(units) == 1 else None
        return Quantity(unit) if unit is not None else None
    if name in _SAME_UNIT_OVER_TIME and args:
        matrix = unwrap(args[-1])
        if isinstance(matrix, p.MatrixSelector):
            unit = _unit_of_name(selector_name(matrix))
            return Quantity(unit) if unit else None
        return None
    if name in _SAME_UNIT_FUNCTIONS and args:
        return quantity(args[0])
    return None


def threshold_comparisons(node: Node) -> Iterator[tuple[Node, float]]:
    """(compared side, constant) of every filtering comparison of an expression with a constant."""
    import promql_parser as p

    for candidate, _ in walk(node):
        if not isinstance(candidate, p.BinaryExpr) or op_of(candidate) not in COMPARISONS:
            continue
        if is_bool_comparison(candidate):
            continue
        rhs_value, lhs_value = constant(candidate.rhs), constant(candidate.lhs)
        if rhs_value is not None and lhs_value is None:
            yield candidate.lhs, rhs_value
        elif lhs_value is not None and rhs_value is None:
            yield candidate.rhs, lhs_value
