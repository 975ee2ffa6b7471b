"""Cross-references only a whole-system view can check: receivers, severities, datasources."""

from __future__ import annotations

from erpgo_monctl.errors import Diagnostic
from erpgo_monctl.spec.alertmanager import Route
from erpgo_monctl.spec.load import PathKey

from . import Context


def _walk_routes(routes: list[Route], path: PathKey) -> list[tuple[PathKey, Route]]:
    found: list[tuple[PathKey, Route]] = []
    for i, route in enumerate(routes):
        here = (*path, i)
        found.append((here, route))
        found.extend(_walk_routes(route.routes, (*here, "routes")))
    return found


def check(ctx: Context) -> list[Diagnostic]:
    spec = ctx.model.spec
    found: list[Diagnostic] = []
    am = spec.alertmanager
    receivers = {r.name for r in am.receivers}
    used = {am.route.receiver}
    if am.route.receiver not in receivers:
        found.append(ctx.diag(("alertmanager", "route", "receiver"), "E301",
                              f"receiver {am.route.receiver!r} is not defined; defined: {', '.join(sorted(receivers))}"))
    for path, route in _walk_routes(am.route.routes, ("alertmanager", "route", "routes")):
        if route.receiver:
            used.add(route.receiver)
            if route.receiver not in receivers:
                found.append(ctx.diag((*path, "receiver"), "E301", f"receiver {route.receiver!r} is not defined; "
                                      f"defined: {', '.join(sorted(receivers))}"))
    for i, receiver in enumerate(am.receivers):
        if receiver.name not in used:
            found.append(ctx.diag(("alertmanager", "receivers", i, "name"), "W302",
                                  f"receiver {receiver.name!r} is not used by any route", "warning"))
    declared = ctx.model.severities
    for g, group in enumerate(spec.alerts):
        for r, rule in enumerate(group.rules):
            if rule.severity not in declared:
                found.append(ctx.diag(("alerts", g, "rules", r, "severity"), "E308",
                                      f"severity {rule.severity!r} is not declared; use one of "
                                      f"{', '.join(declared)} (incidents.severities)"))
    levels = {level.name for level in spec.incidents.levels}
    for name, policy in spec.incidents.severities.items():
        if levels and policy.level not in levels:
            found.append(ctx.diag(("incidents", "severities", name, "level"), "E312",
                                  f"incident level {policy.level!r} is not in incidents.levels "
                                  f"({', '.join(sorted(levels))})"))
    uids = {d.uid for d in ctx.model.datasources}
    for d, dashboard in enumerate(spec.dashboards):
        for p, panel in enumerate(dashboard.panels):
            if panel.type != "text" and panel.datasource not in uids:
                found.append(ctx.diag(("dashboards", d, "panels", p, "datasource"), "E309",
                                      f"datasource {panel.datasource!r} is not provisioned; "
                                      f"provisioned: {', '.join(sorted(uids))}"))
    services = {s.name for s in spec.services}
    for s, slo in enumerate(spec.slos):
        if slo.service not in services:
            found.append(ctx.diag(("slos", s, "service"), "E310", f"SLO names unknown service {slo.service!r}"))
    return found
