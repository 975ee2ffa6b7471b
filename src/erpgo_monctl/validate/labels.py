"""Labels Alertmanager groups and inhibits by exist on the alerts concerned.

A label "exists" on an alert when it is `alertname`, `severity`, one of the rule's static
labels, or can survive the expression's aggregation (AlertInfo.may_have, which reads
analysis.promql_labels.output_labels).
Only certain absences are flagged, as warnings: the series may carry labels we cannot see.
"""

from __future__ import annotations

from erpgo_monctl.analysis.routing import RouteMatcher, matcher_label, matcher_matches, route_at
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.spec.alertmanager import route_spec_path

from .alert_labels import AlertInfo, alerts
from .context import Context

MAX_NAMED = 5  # alerts named in one message


def _names(infos: list[AlertInfo]) -> str:
    shown = ", ".join(dict.fromkeys(i.name for i in infos[:MAX_NAMED]))
    return shown + (f" and {len(infos) - MAX_NAMED} more" if len(infos) > MAX_NAMED else "")


def _group_by(ctx: Context, infos: list[AlertInfo]) -> list[Diagnostic]:
    assert ctx.model.spec.alertmanager is not None
    root = ctx.model.spec.alertmanager.route
    matcher = RouteMatcher(root)  # routing depends only on the labels route matchers test
    missing: dict[tuple[tuple[int, ...], int], list[AlertInfo]] = {}
    for info in infos:
        for match in matcher(info.labels):
            for index, label in enumerate(match.group_by):
                if not info.may_have(label):
                    missing.setdefault((match.group_by_from, index), []).append(info)
    found = []
    for (route_path, index), lacking in sorted(missing.items()):
        label = (route_at(root, route_path).group_by or [])[index]
        found.append(
            ctx.diag(
                (*route_spec_path(route_path), "group_by", index),
                "W315",
                f"group_by label {label!r} is never on alert(s) {_names(lacking)} routed here "
                f"({lacking[0].absence(label)}): they are all grouped under "
                f'{label}=""; add `{label}` to their labels or keep it in the aggregation '
                f"(e.g. sum by ({label}, ...))",
                "warning",
            )
        )
    return found


def _concerned(matchers: list[str], infos: list[AlertInfo]) -> list[AlertInfo]:
    """Alerts the matchers certainly select: every matcher's label is static on the alert, and matches."""
    return [
        info
        for info in infos
        if all(matcher_label(m) in info.labels for m in matchers)
        and all(matcher_matches(m, info.labels) for m in matchers)
    ]


def _inhibit_equal(ctx: Context, infos: list[AlertInfo]) -> list[Diagnostic]:
    found = []
    assert ctx.model.spec.alertmanager is not None
    for r, rule in enumerate(ctx.model.spec.alertmanager.inhibit_rules):
        sources = _concerned(rule.source_matchers, infos)
        targets = _concerned(rule.target_matchers, infos)
        for e, label in enumerate(rule.equal):
            lacking = [("source", i) for i in sources if not i.may_have(label)]
            lacking += [("target", i) for i in targets if not i.may_have(label)]
            if not lacking:
                continue
            roles = sorted({role for role, _ in lacking})
            found.append(
                ctx.diag(
                    ("alertmanager", "inhibit_rules", r, "equal", e),
                    "W316",
                    f"equal label {label!r} is never on {' and '.join(roles)} alert(s) "
                    f"{_names([i for _, i in lacking])}: Alertmanager compares a missing label as "
                    '"", so such a source silences every target that also lacks it; '
                    f"add `{label}` to those alerts' labels or remove it from equal",
                    "warning",
                )
            )
    return found


def check(ctx: Context) -> list[Diagnostic]:
    if ctx.model.spec.alertmanager is None:
        return []
    infos = alerts(ctx)
    return _group_by(ctx, infos) + _inhibit_equal(ctx, infos)
