"""No two things that must be unique share a name: jobs, receivers, dashboards, alerts, records, metrics.

One alert name at several severities stays valid (the tiered pattern an inhibit rule with
`equal: [alertname, ...]` relies on); the same name, severity and labels twice is an error.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from erpgo_monctl.analysis.confusables import skeleton
from erpgo_monctl.diagnostics import Diagnostic, format_path
from erpgo_monctl.diagnostics.source import PathKey

from .context import Context

Describe = Callable[[Hashable], str]


def _dupes(
    ctx: Context, items: Sequence[tuple[PathKey, Hashable]], code: str, describe: Describe, fix: str
) -> list[Diagnostic]:
    first: dict[Hashable, PathKey] = {}
    found = []
    for path, key in items:
        if key not in first:
            first[key] = path
            continue
        source = ctx.model.source
        place = source.place(first[key], seen_from=path) if source else "line 0"
        found.append(
            ctx.diag(
                path,
                code,
                f"duplicate {describe(key)} (first at {place}, {format_path(first[key])}): {fix}",
            )
        )
    return found


def _generated_dashboard_uids(ctx: Context, written: tuple[str, ...]) -> list[Diagnostic]:
    """E306 for a uid the generated SLO dashboard of a service takes: located at what the user can change."""
    model = ctx.model
    first_written = {uid: index for index, uid in reversed(list(enumerate(written)))}
    generated_first: dict[str, int] = {}
    found = []
    for offset, generated in enumerate(model.generated_dashboards):
        uid = model.dashboard_uids[len(written) + offset]
        what = f"the SLO dashboard monctl generates for service {generated.service!r} (SLO {generated.slo!r}"
        if uid in first_written:
            index = first_written[uid]
            place = (
                model.source.place(generated.spec_path, seen_from=("dashboards", index))
                if model.source
                else ""
            )
            found.append(
                ctx.diag(
                    ("dashboards", index, "uid"),
                    "E306",
                    f"dashboard {model.dashboards[index].title!r} has uid {uid!r}, the uid of {what} at "
                    f"{place}); Grafana keeps only one dashboard per uid: set another `uid:` here "
                    "(it defaults to the title)",
                )
            )
        elif uid in generated_first:
            other = model.generated_dashboards[generated_first[uid]]
            found.append(
                ctx.diag(
                    generated.spec_path,
                    "E306",
                    f"{what}) has uid {uid!r} (slo- and the service's first 36 characters), like the one of "
                    f"service {other.service!r}: shorten the service names so they differ in their first "
                    "36 characters",
                )
            )
        else:
            generated_first[uid] = offset
    return found


def _labels_text(labels: tuple[tuple[str, str], ...]) -> str:
    if not labels:
        return "no extra labels"
    return "the same labels {" + ", ".join(f"{k}={v}" for k, v in labels) + "}"


def check(ctx: Context) -> list[Diagnostic]:
    spec = ctx.model.spec
    found: list[Diagnostic] = []
    jobs: list[tuple[PathKey, Hashable]] = [
        (("services", i, "name"), s.name) for i, s in enumerate(spec.services)
    ]
    jobs += [(("exporters", i, "name"), e.name) for i, e in enumerate(spec.exporters)]
    if spec.probes is not None:
        jobs += [(("probes", "jobs", i, "name"), j.name) for i, j in enumerate(spec.probes.jobs)]
    found += _dupes(
        ctx,
        jobs,
        "E304",
        lambda k: f"scrape job {k!r}",
        "services, exporters and probe jobs become Prometheus jobs, whose names must be unique; rename one",
    )
    found += _dupes(
        ctx,
        [
            (("alertmanager", "receivers", i, "name"), skeleton(r.name))
            for i, r in enumerate(spec.alertmanager.receivers if spec.alertmanager else [])
        ],
        "E305",
        lambda k: f"receiver {k!r}",
        "merge their email/slack/webhook/pagerduty lists into one receiver (names are compared as "
        "they look: Unicode NFKC, look-alike dashes, quotes, spaces and letters folded)",
    )
    written = ctx.model.dashboard_uids[: len(spec.dashboards)]
    found += _dupes(
        ctx,
        [(("dashboards", i, "uid"), uid) for i, uid in enumerate(written)],
        "E306",
        lambda k: f"dashboard uid {k!r}",
        "Grafana keeps only one dashboard per uid; set a distinct `uid:` (it defaults to the title)",
    )
    found += _generated_dashboard_uids(ctx, written)
    found += _dupes(
        ctx,
        [(("slos", i, "name"), slo.name) for i, slo in enumerate(spec.slos)],
        "E406",
        lambda k: f"SLO name {k!r}",
        "the slo label must tell SLOs apart; rename one",
    )
    found += _dupes(
        ctx,
        [(("metrics", i, "name"), m.name) for i, m in enumerate(spec.metrics)],
        "E313",
        lambda k: f"metric {k!r}",
        "declare each metric once",
    )

    def alert(key: Hashable) -> str:
        assert isinstance(key, tuple)
        name, severity, labels = key
        return f"alert {name!r} with severity {severity!r} and {_labels_text(labels)}"

    alerts = [
        (("alerts", g, "rules", r, "alert"), (rule.alert, rule.severity, tuple(sorted(rule.labels.items()))))
        for g, group in enumerate(spec.alerts)
        for r, rule in enumerate(group.rules)
    ]
    found += _dupes(
        ctx,
        alerts,
        "E303",
        alert,
        "Prometheus would evaluate both and Alertmanager would merge them; remove one, or give it "
        "another severity (the tiered warning/critical pattern) or a distinguishing label",
    )

    def record(key: Hashable) -> str:
        assert isinstance(key, tuple)
        name, labels = key
        return f"recording rule {name!r} with {_labels_text(labels)}"

    records = [
        (("recording_rules", g, "rules", r, "record"), (rule.record, tuple(sorted(rule.labels.items()))))
        for g, group in enumerate(spec.recording_rules)
        for r, rule in enumerate(group.rules)
    ]
    found += _dupes(
        ctx,
        records,
        "E311",
        record,
        "two rules writing the same series collide at evaluation; remove one or distinguish its labels",
    )
    return found
