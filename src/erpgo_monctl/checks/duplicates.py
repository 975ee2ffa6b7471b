"""No two things that must be unique share a name: jobs, receivers, dashboards, alerts, records."""

from __future__ import annotations

from erpgo_monctl.errors import Diagnostic
from erpgo_monctl.spec.load import PathKey

from . import Context


def _dupes(ctx: Context, items: list[tuple[PathKey, object]], code: str, what: str) -> list[Diagnostic]:
    first: dict[object, PathKey] = {}
    found = []
    for path, key in items:
        if key in first:
            line, _ = ctx.model.source.locate(first[key]) if ctx.model.source else (0, 0)
            found.append(ctx.diag(path, code, f"duplicate {what} {key!r} (first at line {line})"))
        else:
            first[key] = path
    return found


def check(ctx: Context) -> list[Diagnostic]:
    spec = ctx.model.spec
    found: list[Diagnostic] = []
    jobs = [(("services", i, "name"), s.name) for i, s in enumerate(spec.services)]
    jobs += [(("exporters", i, "name"), e.name) for i, e in enumerate(spec.exporters)]
    found += _dupes(ctx, jobs, "E304", "scrape job")
    found += _dupes(ctx, [(("alertmanager", "receivers", i, "name"), r.name)
                          for i, r in enumerate(spec.alertmanager.receivers)], "E305", "receiver")
    found += _dupes(ctx, [(("dashboards", i, "uid"), ctx.model.dashboard_uid(i))
                          for i in range(len(spec.dashboards))], "E306", "dashboard uid")
    found += _dupes(ctx, [(("metrics", i, "name"), m.name) for i, m in enumerate(spec.metrics)], "E313", "metric")
    alerts = [(("alerts", g, "rules", r, "alert"), (rule.alert, rule.severity, tuple(sorted(rule.labels.items()))))
              for g, group in enumerate(spec.alerts) for r, rule in enumerate(group.rules)]
    for diag in _dupes(ctx, alerts, "E303", "alert"):
        found.append(diag)
    records = [(("recording_rules", g, "rules", r, "record"), (rule.record, tuple(sorted(rule.labels.items()))))
               for g, group in enumerate(spec.recording_rules) for r, rule in enumerate(group.rules)]
    found += _dupes(ctx, records, "E311", "recording rule (same record name and labels)")
    return found
