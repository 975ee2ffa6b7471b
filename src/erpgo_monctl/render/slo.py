"""configs/slo_rules.yml: per SLO, the SLI recording rules, budget metadata and burn-rate alerts.

One rule group per SLO (`slo-<name>`). Rules run in order within a group, so every rule
only reads series recorded above it in the same evaluation.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.rules import alert_rule_entry
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.resolve.slo import (
    CURRENT_BURN_WINDOW,
    clean,
    error_budget,
    event_labels,
    model_burn_alerts,
    objective_ratio,
    period_error_ratio_expr,
    ratio_windows,
    sli_error_ratio_expr,
    sli_errors_expr,
    sli_total_expr,
    slo_matchers,
)
from erpgo_monctl.spec.rules import SLO

SLO_RULES_PATH = PurePosixPath("configs/slo_rules.yml")


def _record(name: str, expr: str, labels: dict[str, str]) -> dict[str, Any]:
    return {"record": name, "expr": expr, "labels": dict(labels)}


def slo_group(model: Model, slo: SLO) -> dict[str, Any]:
    """The rule group of one SLO: recordings first, alerts last."""
    labels = event_labels(slo)
    sel = "{" + slo_matchers(slo) + "}"
    budget = clean(error_budget(slo))
    # numerator and denominator over 5m: the SLO-window ratio sums these, weighting by events
    errors_5m = sli_errors_expr(slo, "5m")
    total_5m = sli_total_expr(slo, "5m")
    if slo.sli.events is not None:
        errors_5m = f"({errors_5m}) or (0 * ({total_5m}))"  # no bad series yet counts as zero errors
    rules: list[dict[str, Any]] = [
        _record("slo:sli_error:rate5m", errors_5m, labels),
        _record("slo:sli_total:rate5m", total_5m, labels),
    ]
    for window in ratio_windows(slo):
        expr = period_error_ratio_expr(slo) if window == slo.window else sli_error_ratio_expr(slo, window)
        rules.append(_record(f"slo:sli_error:ratio_rate{window}", expr, labels))
    rules += [
        _record("slo:objective:ratio", f"vector({clean(objective_ratio(slo))})", labels),
        _record("slo:error_budget:ratio", f"vector({budget})", labels),
        _record(
            "slo:period_error_budget_remaining:ratio",
            f"1 - (slo:sli_error:ratio_rate{slo.window}{sel} / {budget})",
            labels,
        ),
        _record(
            "slo:period_burn_rate:ratio", f"slo:sli_error:ratio_rate{slo.window}{sel} / {budget}", labels
        ),
        _record(
            "slo:current_burn_rate:ratio",
            f"slo:sli_error:ratio_rate{CURRENT_BURN_WINDOW}{sel} / {budget}",
            labels,
        ),
    ]
    rules += [alert_rule_entry(model, alert.rule) for alert in model_burn_alerts(model, slo)]
    return {"name": f"slo-{slo.name}", "rules": rules}


def build_slo_rules(model: Model) -> dict[str, Any]:
    return {"groups": [slo_group(model, slo) for slo in model.spec.slos]}


def render(model: Model) -> Files:
    """Render configs/slo_rules.yml when the spec has SLOs (Prometheus loads it via rule_files)."""
    if not model.spec.slos:
        return {}
    return {SLO_RULES_PATH: dump_yaml(build_slo_rules(model), model.header).encode()}
