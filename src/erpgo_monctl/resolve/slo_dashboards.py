"""The generated SLO dashboards: one per service with SLOs (objective, SLI, budget left, burn rates)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.slo_math import (
    CURRENT_BURN_WINDOW,
    burn_windows,
    clean,
    error_budget,
    short_windows,
    slo_matchers,
)
from erpgo_monctl.spec.observability import Dashboard, Panel, Query, QueryPanel
from erpgo_monctl.spec.rules import SLO


@dataclass(frozen=True)
class GeneratedDashboard:
    """A dashboard monctl makes, and the SLO entry it is made from (for locating problems with it)."""

    dashboard: Dashboard
    service: str
    slo: str  # the first SLO of the service
    spec_path: PathKey  # that SLO's service: slos[i].service


def slo_dashboards(slos: Sequence[SLO]) -> list[GeneratedDashboard]:
    """One Grafana dashboard per service with SLOs: objective, SLI, budget left, burn rate per window."""
    by_service: dict[str, list[SLO]] = {}
    first: dict[str, int] = {}
    for index, slo in enumerate(slos):
        by_service.setdefault(slo.service, []).append(slo)
        first.setdefault(slo.service, index)
    dashboards = []
    for service, service_slos in sorted(by_service.items()):
        panels: list[Panel] = []
        for slo in service_slos:
            sel = "{" + slo_matchers(slo) + "}"
            budget = clean(error_budget(slo))
            period = slo.window
            panels += [
                QueryPanel(
                    title=f"{slo.name}: objective",
                    type="stat",
                    unit="percentunit",
                    decimals=3,
                    width=6,
                    height=4,
                    queries=[Query(expr=f"slo:objective:ratio{sel}", instant=True)],
                ),
                QueryPanel(
                    title=f"{slo.name}: SLI over {period}",
                    type="stat",
                    unit="percentunit",
                    decimals=3,
                    width=6,
                    height=4,
                    queries=[Query(expr=f"1 - slo:sli_error:ratio_rate{period}{sel}")],
                ),
                QueryPanel(
                    title=f"{slo.name}: error budget remaining ({period})",
                    type="stat",
                    unit="percentunit",
                    decimals=1,
                    width=6,
                    height=4,
                    queries=[Query(expr=f"slo:period_error_budget_remaining:ratio{sel}")],
                ),
                QueryPanel(
                    title=f"{slo.name}: current burn rate",
                    type="stat",
                    decimals=2,
                    width=6,
                    height=4,
                    description=f"error ratio over {CURRENT_BURN_WINDOW} / error budget ({budget})",
                    queries=[Query(expr=f"slo:current_burn_rate:ratio{sel}")],
                ),
                QueryPanel(
                    title=f"{slo.name}: SLI over time",
                    type="timeseries",
                    unit="percentunit",
                    width=8,
                    queries=[
                        Query(expr=f"1 - slo:sli_error:ratio_rate{w}{sel}", legend=f"SLI {w}")
                        for w in (CURRENT_BURN_WINDOW, burn_windows(slo)[0].long, period)
                    ]
                    + [Query(expr=f"slo:objective:ratio{sel}", legend="objective")],
                ),
                QueryPanel(
                    title=f"{slo.name}: error budget remaining",
                    type="timeseries",
                    unit="percentunit",
                    width=8,
                    queries=[
                        Query(
                            expr=f"slo:period_error_budget_remaining:ratio{sel}",
                            legend=f"remaining of the {period} budget",
                        )
                    ],
                ),
                QueryPanel(
                    title=f"{slo.name}: burn rate per window",
                    type="timeseries",
                    width=8,
                    description="error ratio / error budget; 1 spends the budget exactly over the SLO window",
                    queries=[
                        Query(expr=f"slo:sli_error:ratio_rate{w}{sel} / {budget}", legend=w)
                        for w in short_windows(slo)
                    ],
                ),
            ]
        dashboard = Dashboard(
            title=f"SLOs: {service}",
            uid=f"slo-{service}"[:40],
            tags=["slo", service],
            refresh="1m",
            time_from="now-7d",
            description=f"Service level objectives of {service} (generated from slos:)",
            panels=panels,
        )
        dashboards.append(
            GeneratedDashboard(dashboard, service, service_slos[0].name, ("slos", first[service], "service"))
        )
    return dashboards
