"""Cross-references only a whole-system view can check: receivers, severities, datasources, services."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from erpgo_monctl.analysis.routing import iter_routes
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.spec.alertmanager import route_spec_path

from .context import Context


def unknown(what: str, name: str, known: Iterable[str], where: str = "defined") -> str:
    """`receiver 'oncall' is not defined; did you mean 'on-call'? (receivers: default, on-call)`."""
    names = sorted(set(known))
    guess = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    hint = f"; did you mean {guess[0]!r}?" if guess else ""
    return f"{what} {name!r} is not defined{hint} ({where}: {', '.join(names) or 'none'})"


def _receivers(ctx: Context) -> list[Diagnostic]:
    am = ctx.model.spec.alertmanager
    if am is None:
        return []
    receivers = {r.name for r in am.receivers}
    found = []
    used = {am.route.receiver}
    if am.route.receiver not in receivers:
        found.append(
            ctx.diag(
                ("alertmanager", "route", "receiver"),
                "E301",
                unknown("receiver", am.route.receiver, receivers, "receivers"),
            )
        )
    for path, route in iter_routes(am.route):
        if route.receiver:
            used.add(route.receiver)
            if route.receiver not in receivers:
                found.append(
                    ctx.diag(
                        (*route_spec_path(path), "receiver"),
                        "E301",
                        unknown("receiver", route.receiver, receivers, "receivers"),
                    )
                )
    for i, receiver in enumerate(am.receivers):
        if receiver.name not in used:
            found.append(
                ctx.diag(
                    ("alertmanager", "receivers", i, "name"),
                    "W302",
                    f"receiver {receiver.name!r} is not used by any route: route alerts to it "
                    "(a route with matchers and `receiver:`) or remove it",
                    "warning",
                )
            )
    return found


def _severities(ctx: Context) -> list[Diagnostic]:
    spec = ctx.model.spec
    declared = ctx.model.severities
    found = []
    for g, group in enumerate(spec.alerts):
        for r, rule in enumerate(group.rules):
            if rule.severity not in declared:
                found.append(
                    ctx.diag(
                        ("alerts", g, "rules", r, "severity"),
                        "E308",
                        unknown("severity", rule.severity, declared, "declared severities")
                        + "; declare it under incidents.severities or use a declared one",
                    )
                )
    levels = {level.name for level in spec.incidents.levels}
    for name, policy in spec.incidents.severities.items():
        if levels and policy.level not in levels:
            found.append(
                ctx.diag(
                    ("incidents", "severities", name, "level"),
                    "E312",
                    unknown("incident level", policy.level, levels, "incidents.levels"),
                )
            )
    return found


def check(ctx: Context) -> list[Diagnostic]:
    spec = ctx.model.spec
    found = _receivers(ctx) + _severities(ctx)
    uids = {d.uid for d in ctx.model.datasources}
    for d, dashboard in enumerate(spec.dashboards):
        for p, panel in enumerate(dashboard.panels):
            if panel.type != "text" and panel.datasource not in uids:
                found.append(
                    ctx.diag(
                        ("dashboards", d, "panels", p, "datasource"),
                        "E309",
                        unknown("datasource", panel.datasource, uids, "provisioned")
                        + "; Loki needs a `logging:` section, Jaeger `tracing: {jaeger: {}}`",
                    )
                )
    # An SLO's service names what it is about: any scrape job (a service, an exporter, a probe)
    # or a name of its own (a user journey over several jobs, a selector). Only a near miss of a
    # job's name is refused: that is a typo, and the SLO would land on the wrong dashboard.
    jobs = {job.name for job in ctx.model.scrape_jobs} | {s.name for s in spec.services}
    for s, slo in enumerate(spec.slos):
        if slo.service not in jobs and difflib.get_close_matches(slo.service, sorted(jobs), n=1, cutoff=0.8):
            found.append(
                ctx.diag(
                    ("slos", s, "service"),
                    "E310",
                    unknown("service", slo.service, jobs, "scrape jobs")
                    + "; a name of its own is fine when it is not this close to a job's",
                )
            )
    return found
