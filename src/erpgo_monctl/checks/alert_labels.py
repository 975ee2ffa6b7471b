"""What labels an alert carries: its static labels, and those its expression's result can keep.

`output_labels(tree)` answers "which labels can the result of this PromQL carry?" as a set,
or None when any label may survive (a bare selector keeps whatever the series have).
Checks only flag a label as missing when the answer is a set without it: certain, not guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from erpgo_monctl.spec.load import PathKey

from . import Context
from .promql import facts

Labels = frozenset[str] | None  # None: unknown, any label may be present

# functions whose result has no labels at all (scalars, constructed vectors)
_LABELLESS = {"vector", "time", "scalar", "pi"}
# functions whose sample vector is not the first argument
_VECTOR_ARG = {"histogram_quantile": 1, "quantile_over_time": 1}
# aggregations that select series instead of combining them: input labels survive
_SELECTING = {"topk", "bottomk", "limitk", "limit_ratio"}


@dataclass(frozen=True)
class AlertInfo:
    """One alerting rule as Alertmanager will see it, plus what its expression can add."""

    path: PathKey  # spec path of the rule
    name: str
    severity: str
    labels: dict[str, str]  # alertname, severity and the rule's static labels
    expression_labels: Labels  # labels the expression's result can carry (None: unknown)

    def may_have(self, label: str) -> bool:
        """False only when the label is certainly absent from every alert instance."""
        if label in self.labels:
            return True
        return self.expression_labels is None or label in self.expression_labels

    def describe(self) -> str:
        extra = ", ".join(
            f"{k}={v}" for k, v in sorted(self.labels.items()) if k not in ("alertname", "severity")
        )
        return f"{self.name} ({self.severity}{', ' + extra if extra else ''})"


def alerts(ctx: Context) -> list[AlertInfo]:
    """Every alerting rule of the spec (SLO burn-rate alerts are rendered later and not included).

    Built once per model: the labels and routing checks both read it.
    """
    cached = ctx.model.cache.get("alert_infos")
    if cached is not None:
        return list(cached)
    found = []
    for g, group in enumerate(ctx.model.spec.alerts):
        for r, rule in enumerate(group.rules):
            labels = {**rule.labels, "alertname": rule.alert, "severity": rule.severity}
            found.append(
                AlertInfo(
                    ("alerts", g, "rules", r), rule.alert, rule.severity, labels, expression_labels(rule.expr)
                )
            )
    ctx.model.cache["alert_infos"] = tuple(found)
    return found


Signature = tuple[tuple[str, str | None], ...]


def signature(labels: dict[str, str], names: tuple[str, ...]) -> Signature:
    """`labels` seen only through `names` (None: absent): alerts alike there route alike."""
    return tuple((name, labels.get(name)) for name in names)


def expression_labels(expr: str) -> Labels:
    """output_labels of an expression text (None when unknown or it does not parse), once per text."""
    return facts(expr).output_labels


def output_labels(node: Any) -> Labels:
    """Labels the result of a PromQL expression can carry (None when unknown)."""
    return _labels(node)[1]


def _labels(node: Any) -> tuple[bool, Labels]:
    """(is a scalar, labels) of one node."""
    import promql_parser as pp

    if isinstance(node, pp.NumberLiteral | pp.StringLiteral):
        return True, frozenset()
    if isinstance(node, pp.ParenExpr | pp.UnaryExpr | pp.SubqueryExpr):
        return _labels(node.expr)
    if isinstance(node, pp.MatrixSelector):
        return False, None
    if isinstance(node, pp.VectorSelector):
        return False, None
    if isinstance(node, pp.AggregateExpr):
        return False, _aggregate(node)
    if isinstance(node, pp.Call):
        return _call(node)
    if isinstance(node, pp.BinaryExpr):
        return _binary(node)
    return False, None


def _aggregate(node: Any) -> Labels:
    import promql_parser as pp

    _, inner = _labels(node.expr)
    op = str(node.op)
    if op in _SELECTING:
        return inner
    modifier = node.modifier
    grouping: Labels
    if modifier is None:
        grouping = frozenset()
    elif modifier.type == pp.AggModifierType.By:
        grouping = frozenset(modifier.labels)
    else:
        grouping = None if inner is None else inner - frozenset(modifier.labels)
    if op == "count_values" and grouping is not None and isinstance(node.param, pp.StringLiteral):
        grouping = grouping | {str(node.param.val)}
    return grouping


def _call(node: Any) -> tuple[bool, Labels]:
    import promql_parser as pp

    name = node.func.name
    if name in _LABELLESS or node.func.return_type == pp.ValueType.Scalar:
        return name not in ("vector",), frozenset()
    if name in ("absent", "absent_over_time"):
        return False, _absent_labels(node.args[0]) if node.args else frozenset()
    args = list(node.args)
    index = _VECTOR_ARG.get(name, 0)
    if index >= len(args):
        return False, frozenset()  # e.g. hour() reads vector(time()): no labels
    _, inner = _labels(args[index])
    if inner is None:
        return False, None
    if name == "histogram_quantile":
        return False, inner - {"le"}
    if name in ("label_replace", "label_join") and len(args) > 1 and isinstance(args[1], pp.StringLiteral):
        return False, inner | {str(args[1].val)}
    return False, inner


def _absent_labels(arg: Any) -> Labels:
    import promql_parser as pp

    selector = arg.vector_selector if isinstance(arg, pp.MatrixSelector) else arg
    if not isinstance(selector, pp.VectorSelector):
        return frozenset()
    return frozenset(
        m.name for m in selector.matchers.matchers if m.op == pp.MatchOp.Equal and m.name != "__name__"
    )


def _binary(node: Any) -> tuple[bool, Labels]:
    import promql_parser as pp

    left_scalar, left = _labels(node.lhs)
    right_scalar, right = _labels(node.rhs)
    if left_scalar and right_scalar:
        return True, frozenset()
    if right_scalar:
        return False, left
    if left_scalar:
        return False, right
    op = str(node.op)
    if op in ("and", "unless"):
        return False, left
    if op == "or":
        return False, None if left is None or right is None else left | right
    modifier = node.modifier
    card = modifier.card if modifier is not None else pp.VectorMatchCardinality.OneToOne
    matching = modifier.matching if modifier is not None else None
    group = frozenset(modifier.group_labels or ()) if modifier is not None else frozenset()
    if card == pp.VectorMatchCardinality.ManyToOne:
        return False, None if left is None else left | group
    if card == pp.VectorMatchCardinality.OneToMany:
        return False, None if right is None else right | group
    if matching is not None and matching.type == pp.LabelModifierType.Include:
        on = frozenset(matching.labels)
        return False, on if left is None else left & on
    if matching is not None and left is not None:
        return False, left - frozenset(matching.labels)
    return False, left
