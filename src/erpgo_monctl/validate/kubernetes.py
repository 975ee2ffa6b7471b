"""What `render --target kubernetes` cannot carry yet is refused, never dropped from the output silently.

Only for a spec with a `kubernetes:` section (one meant for that target too; a spec without one
renders for Kubernetes with the section's defaults and is not judged here).

E348 a time interval `location` other than UTC in mode alertmanager_config (the CRD's time
intervals have none); E349 notification template files (no file reaches the operator's
Alertmanager), and in an AlertmanagerConfig the Opsgenie/VictorOps/SNS/Webex receivers and
`http_config` beyond a webhook's token.
"""

from __future__ import annotations

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.spec.alertmanager import Alertmanager
from erpgo_monctl.spec.scrape import HTTPClient
from erpgo_monctl.validate.context import Context

_NOT_IN_ALERTMANAGER_CONFIG = ("opsgenie", "victorops", "sns", "webex")


def _time_intervals(ctx: Context, am: Alertmanager) -> list[Diagnostic]:
    found = []
    for i, interval in enumerate(am.time_intervals):
        for p, period in enumerate(interval.time_intervals):
            if period.location not in (None, "UTC", "Etc/UTC"):
                found.append(
                    ctx.diag(
                        ("alertmanager", "time_intervals", i, "time_intervals", p, "location"),
                        "E348",
                        f"location {period.location!r}: kubernetes.alertmanager.mode "
                        "alertmanager_config renders an AlertmanagerConfig, whose time intervals are "
                        "UTC (no location field); write the times in UTC, or use mode secret",
                    )
                )
    return found


def _alertmanager_config(ctx: Context, am: Alertmanager) -> list[Diagnostic]:
    found = []
    for r, receiver in enumerate(am.receivers):
        for kind in _NOT_IN_ALERTMANAGER_CONFIG:
            if getattr(receiver, kind):
                found.append(
                    ctx.diag(
                        ("alertmanager", "receivers", r, kind),
                        "E349",
                        f"{kind} receivers are not carried into the AlertmanagerConfig yet: use "
                        "kubernetes.alertmanager.mode secret (the whole alertmanager.yaml)",
                    )
                )
        for kind in ("slack", "webhook", "pagerduty"):
            for c, config in enumerate(getattr(receiver, kind)):
                client: HTTPClient | None = config.http_config
                if client is None or (kind == "webhook" and client.model_fields_set <= {"authorization"}):
                    continue
                found.append(
                    ctx.diag(
                        ("alertmanager", "receivers", r, kind, c, "http_config"),
                        "E349",
                        "http_config is not carried into the AlertmanagerConfig yet (only a webhook's "
                        "authorization is): use kubernetes.alertmanager.mode secret",
                    )
                )
    return found


def check(ctx: Context) -> list[Diagnostic]:
    am = ctx.model.spec.alertmanager
    if "kubernetes" not in ctx.model.spec.model_fields_set or am is None:
        return []
    found = [
        ctx.diag(
            ("alertmanager", "templates", t),
            "E349",
            f"notification template {template.name!r}: the kubernetes target does not ship template files "
            "to the operator's Alertmanager yet; inline the text in the receivers, or render for compose",
        )
        for t, template in enumerate(am.templates)
    ]
    if ctx.model.spec.kubernetes.alertmanager.mode == "alertmanager_config":
        found += _time_intervals(ctx, am) + _alertmanager_config(ctx, am)
    return found
