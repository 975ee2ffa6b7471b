"""Each scrape job's timeout fits in its interval, as Prometheus demands of the config it loads.

A job without `scrape_timeout` inherits the global one clamped to its own interval (Prometheus
does that itself), so only a timeout the job sets can exceed the interval it scrapes at (its own,
or the global one). The global pair is checked by the Prometheus model (spec/v1.py).
"""

from __future__ import annotations

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.spec.types import duration_ms

from .context import Context


def check(ctx: Context) -> list[Diagnostic]:
    spec = ctx.model.spec
    found = []
    for section in ("services", "exporters"):
        for index, job in enumerate(getattr(spec, section)):
            if job.scrape_timeout is None:
                continue
            interval = job.scrape_interval or spec.prometheus.scrape_interval
            if duration_ms(job.scrape_timeout) > duration_ms(interval):
                source = "its scrape_interval" if job.scrape_interval else "prometheus.scrape_interval"
                found.append(
                    ctx.diag(
                        (section, index, "scrape_timeout"),
                        "E105",
                        f"scrape_timeout {job.scrape_timeout} is longer than {source} {interval}: "
                        f"Prometheus refuses the config; set it to at most {interval}",
                    )
                )
    return found
