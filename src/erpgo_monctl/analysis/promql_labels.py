"""The labels a PromQL result can carry, by PromQL's propagation rules (aggregation, matching, functions).

Answers are upper bounds or exclusions, never guesses: `LabelSet.lacks` is True
only when the label certainly cannot be on the result.
"""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.analysis.promql_ast import Node, equality_matchers, is_scalar, op_of, unwrap

# functions whose result carries the labels of their (first) vector or range-vector argument
LABEL_KEEPING_FUNCTIONS = frozenset(
    {
        "abs",
        "ceil",
        "floor",
        "round",
        "exp",
        "ln",
        "log2",
        "log10",
        "sqrt",
        "sgn",
        "clamp",
        "clamp_min",
        "clamp_max",
        "sort",
        "sort_desc",
        "sort_by_label",
        "sort_by_label_desc",
        "timestamp",
        "rate",
        "irate",
        "increase",
        "delta",
        "idelta",
        "deriv",
        "predict_linear",
        "resets",
        "changes",
        "avg_over_time",
        "min_over_time",
        "max_over_time",
        "sum_over_time",
        "count_over_time",
        "quantile_over_time",
        "stddev_over_time",
        "stdvar_over_time",
        "last_over_time",
        "present_over_time",
        "mad_over_time",
        "day_of_month",
        "day_of_week",
        "day_of_year",
        "days_in_month",
        "hour",
        "minute",
        "month",
        "year",
        "holt_winters",
        "double_exponential_smoothing",
    }
)


@dataclass(frozen=True)
class LabelSet:
    """The labels a result can carry: at most `bounded` when known, else anything but `excluded`."""

    bounded: frozenset[str] | None = None
    excluded: frozenset[str] = frozenset()

    def lacks(self, label: str) -> bool:
        """True only when the result certainly has no `label`."""
        if self.bounded is not None:
            return label not in self.bounded
        return label in self.excluded

    def without(self, labels: frozenset[str]) -> LabelSet:
        if self.bounded is not None:
            return LabelSet(self.bounded - labels)
        return LabelSet(None, self.excluded | labels)

    def adding(self, labels: frozenset[str]) -> LabelSet:
        if self.bounded is not None:
            return LabelSet(self.bounded | labels)
        return LabelSet(None, self.excluded - labels)

    def intersect(self, other: LabelSet) -> LabelSet:
        """Both describe the same result: keep every certainty of either."""
        if self.bounded is not None and other.bounded is not None:
            return LabelSet(self.bounded & other.bounded)
        if self.bounded is not None:
            return LabelSet(self.bounded - other.excluded)
        if other.bounded is not None:
            return LabelSet(other.bounded - self.excluded)
        return LabelSet(None, self.excluded | other.excluded)


OPEN = LabelSet()
NONE = LabelSet(frozenset())
_KEEP_ALL_AGGREGATIONS = frozenset({"topk", "bottomk", "limitk", "limit_ratio"})


def output_labels(node: Node) -> LabelSet:
    """The labels the series of `node`'s result may carry (PromQL's label propagation rules)."""
    import promql_parser as p

    node = unwrap(node)
    if isinstance(node, p.VectorSelector | p.MatrixSelector):
        return OPEN
    if isinstance(node, p.NumberLiteral | p.StringLiteral):
        return NONE
    if isinstance(node, p.UnaryExpr | p.SubqueryExpr):
        return output_labels(node.expr)
    if isinstance(node, p.AggregateExpr):
        return _aggregate_labels(node)
    if isinstance(node, p.Call):
        return _call_labels(node)
    if isinstance(node, p.BinaryExpr):
        return _binary_labels(node)
    return OPEN


def _aggregate_labels(node: Node) -> LabelSet:
    import promql_parser as p

    op = op_of(node)
    inner = output_labels(node.expr)
    if op in _KEEP_ALL_AGGREGATIONS:
        return inner
    extra: frozenset[str] = frozenset()
    if op == "count_values" and node.param is not None:
        extra = frozenset({str(node.param).strip('"')})
    modifier = node.modifier
    if modifier is None:
        return LabelSet(extra)
    labels = frozenset(modifier.labels)
    if modifier.type == p.AggModifierType.By:
        return LabelSet(labels | extra)
    return inner.without(labels).adding(extra)


def _call_labels(node: Node) -> LabelSet:
    import promql_parser as p

    name = str(node.func.name)
    args = list(node.args)
    if name in ("absent", "absent_over_time"):
        return LabelSet(frozenset(equality_matchers(unwrap(args[0])))) if args else NONE
    if name in ("label_replace", "label_join") and len(args) >= 2:
        target = unwrap(args[1])
        inner = output_labels(args[0])
        return inner.adding(frozenset({str(target.val)})) if isinstance(target, p.StringLiteral) else OPEN
    if name == "histogram_quantile" and len(args) == 2:
        return output_labels(args[1]).without(frozenset({"le"}))
    if name in ("vector", "time", "scalar", "pi"):
        return NONE
    if name in LABEL_KEEPING_FUNCTIONS:
        vectors = [a for a in args if not is_scalar(a)]
        return output_labels(vectors[0]) if vectors else NONE
    return OPEN


def _binary_labels(node: Node) -> LabelSet:
    import promql_parser as p

    op = op_of(node)
    lhs_scalar, rhs_scalar = is_scalar(node.lhs), is_scalar(node.rhs)
    if lhs_scalar and rhs_scalar:
        return NONE
    if lhs_scalar:
        return output_labels(node.rhs)
    if rhs_scalar:
        return output_labels(node.lhs)
    lhs, rhs = output_labels(node.lhs), output_labels(node.rhs)
    modifier = node.modifier
    matching = modifier.matching if modifier is not None else None
    card = modifier.card if modifier is not None else None
    if op in ("and", "unless"):
        return lhs
    if op == "or":
        if lhs.bounded is not None and rhs.bounded is not None:
            return LabelSet(lhs.bounded | rhs.bounded)
        return OPEN
    included = frozenset(modifier.group_labels or []) if modifier is not None else frozenset()
    if card == p.VectorMatchCardinality.ManyToOne:
        return lhs.adding(included)
    if card == p.VectorMatchCardinality.OneToMany:
        return rhs.adding(included)
    if card == p.VectorMatchCardinality.ManyToMany:
        return OPEN
    # one-to-one: the result keeps the left side's labels, reduced as the matching says
    if matching is not None and matching.type == p.LabelModifierType.Include:
        return LabelSet(frozenset(matching.labels)).intersect(lhs)
    ignored = frozenset(matching.labels) if matching is not None else frozenset()
    # matched series agree on every label not ignored, so either side's certainties hold
    return lhs.without(ignored).intersect(rhs.without(ignored))
