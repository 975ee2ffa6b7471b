"""Each scrape job's timeout fits in its interval (services, exporters, probe jobs), as Prometheus demands.

A job without `scrape_timeout` inherits the global one clamped to its own interval (Prometheus
does that itself), so only a timeout the job sets can exceed the interval it scrapes at (its own,
or the global one). The global pair is checked by the Prometheus model (spec/v1.py).
"""

from __future__ import annotations

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.spec.probes import ProbeJob
from erpgo_monctl.spec.rules import Exporter, Service
from erpgo_monctl.spec.types import duration_ms

from .context import Context


def check(ctx: Context) -> list[Diagnostic]:
    spec = ctx.model.spec
    found = []
    jobs: list[tuple[PathKey, Service | Exporter | ProbeJob]] = [
        ((section, index), job)
        for section in ("services", "exporters")
        for index, job in enumerate(getattr(spec, section))
    ]
    jobs += [
        (("probes", "jobs", index), job) for index, job in enumerate(spec.probes.jobs if spec.probes else [])
    ]
    for path, job in jobs:
        if job.scrape_timeout is None:
            continue
        interval = job.scrape_interval or spec.prometheus.scrape_interval
        if duration_ms(job.scrape_timeout) > duration_ms(interval):
            source = "its scrape_interval" if job.scrape_interval else "prometheus.scrape_interval"
            found.append(
                ctx.diag(
                    (*path, "scrape_timeout"),
                    "E105",
                    f"scrape_timeout {job.scrape_timeout} is longer than {source} {interval}: "
                    f"Prometheus refuses the config; set it to at most {interval}",
                )
            )
    return found
