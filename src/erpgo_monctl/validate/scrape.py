"""Probes, time intervals and notification templates agree with the rest of the spec.

E340 a probe job names no module; E341 an expression reads a probe_* series no probe produces
(the classic mistake: `kind: blackbox` scrapes the exporter's own /metrics, where probe_success
never appears); E342 a probe target the module's prober cannot probe; E343 a route names an
undefined time interval; E344 a notification template file Alertmanager cannot parse or execute
(a receiver text naming a template no file defines is E250, validate/templates.py); E347 two
probe modules or time intervals with one name. What the Kubernetes target cannot carry is
validate/kubernetes.py's.
"""

from __future__ import annotations

from erpgo_monctl.analysis.gotemplate import check_template
from erpgo_monctl.analysis.promql import facts
from erpgo_monctl.analysis.routing import iter_routes
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.resolve.probes import module_metric_prefixes
from erpgo_monctl.spec.alertmanager import route_spec_path
from erpgo_monctl.spec.probes import target_problem
from erpgo_monctl.validate.context import Context
from erpgo_monctl.validate.promql import expressions
from erpgo_monctl.validate.templates import defined_templates

PROBE_PREFIX = "probe_"


def _probes(ctx: Context) -> list[Diagnostic]:
    probes = ctx.model.spec.probes
    if probes is None:
        return []
    found: list[Diagnostic] = []
    modules = {m.name: m for m in probes.modules}
    seen: set[str] = set()
    for m, module in enumerate(probes.modules):
        if module.name in seen:
            found.append(
                ctx.diag(("probes", "modules", m, "name"), "E347", f"probe module {module.name!r} twice")
            )
        seen.add(module.name)
    for j, job in enumerate(probes.jobs):
        chosen = modules.get(job.module)
        if chosen is None:
            found.append(
                ctx.diag(
                    ("probes", "jobs", j, "module"),
                    "E340",
                    f"probe job {job.name!r} names module {job.module!r}, which probes.modules "
                    f"does not define (defined: {', '.join(sorted(modules))})",
                )
            )
            continue
        for t, target in enumerate(job.targets):
            problem = target_problem(chosen.prober, target)
            if problem:
                found.append(ctx.diag(("probes", "jobs", j, "targets", t), "E342", f"{target!r}: {problem}"))
    return found


def _probe_metrics(ctx: Context) -> list[Diagnostic]:
    probes = ctx.model.spec.probes
    prefixes: tuple[str, ...] = ()
    for module in probes.modules if probes else []:
        prefixes += module_metric_prefixes(module)
    found = []
    for expression in expressions(ctx):
        result = facts(expression.text)
        if result.error is not None:
            continue
        for name in sorted(result.metric_names):
            if not name.startswith(PROBE_PREFIX) or name.startswith(prefixes):
                continue
            if probes is None:
                why = (
                    "the spec has no `probes:` (an exporter of kind blackbox only exposes the exporter's "
                    "own metrics); add probes: {modules, jobs} to probe endpoints"
                )
            else:
                why = (
                    "no probe module's prober produces it "
                    "(e.g. probe_ssl_* needs https or tls; probe_dns_* a dns module)"
                )
            found.append(ctx.diag(expression.path, "E341", f"{name!r} can never exist: {why}"))
    return found


def _time_intervals(ctx: Context) -> list[Diagnostic]:
    am = ctx.model.spec.alertmanager
    found: list[Diagnostic] = []
    if am is None:
        return found
    names: set[str] = set()
    for i, interval in enumerate(am.time_intervals):
        if interval.name in names:
            found.append(
                ctx.diag(
                    ("alertmanager", "time_intervals", i, "name"),
                    "E347",
                    f"time interval {interval.name!r} twice",
                )
            )
        names.add(interval.name)
    for path, route in iter_routes(am.route):
        for key in ("mute_time_intervals", "active_time_intervals"):
            for k, name in enumerate(getattr(route, key, [])):
                if name not in names:
                    defined = ", ".join(sorted(names)) or "none"
                    found.append(
                        ctx.diag(
                            (*route_spec_path(path), key, k),
                            "E343",
                            f"time interval {name!r} is not defined in alertmanager.time_intervals "
                            f"(defined: {defined})",
                        )
                    )
    return found


def _templates(ctx: Context) -> list[Diagnostic]:
    """Each template file as Alertmanager parses it (its functions, its data, the other files' names)."""
    am = ctx.model.spec.alertmanager
    templates = am.templates if am else []
    names = defined_templates(templates)
    return [
        ctx.diag(("alertmanager", "templates", t, "text"), "E344", problem.message)
        for t, template in enumerate(templates)
        for problem in check_template(template.text, "alertmanager", names)
    ]


def check(ctx: Context) -> list[Diagnostic]:
    return _probes(ctx) + _probe_metrics(ctx) + _time_intervals(ctx) + _templates(ctx)
