"""Go templates in the spec, checked in the dialect of the server that expands them.

Prometheus expands an alert's labels and annotations (summary, description, runbook_url,
the free ones) when the alert fires; Alertmanager expands a receiver's text fields for
every notification. promtool catches only part of the first kind, amtool check-config none
of the second: a broken Slack text passes both and every notification then fails. So each
field is parsed here as its server would parse and execute it (analysis.gotemplate).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from erpgo_monctl.analysis.gotemplate import Dialect, check_template
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.spec.alertmanager import NotificationTemplate
from erpgo_monctl.validate.context import Context

DEFINE_RE = re.compile(r"""\{\{-?\s*(?:define|block)\s+"([^"]+)\"""")

# receiver kind -> the fields Alertmanager expands as templates (those the spec can set)
RECEIVER_TEMPLATE_FIELDS: dict[str, tuple[str, ...]] = {
    "email": ("to", "subject", "text", "html"),
    "slack": ("channel", "title", "text"),
    "pagerduty": ("severity", "description"),
    "opsgenie": ("message", "description", "source", "priority", "tags", "note"),
    "victorops": ("message_type", "entity_display_name", "state_message"),
    "sns": ("subject", "message"),
    "webex": ("message",),
}


def check(ctx: Context) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    am = ctx.model.spec.alertmanager
    files = defined_templates(am.templates if am else [])
    for path, text, dialect in template_fields(ctx):
        if "{{" not in text:
            continue
        for problem in check_template(text, dialect, files if dialect == "alertmanager" else frozenset()):
            found.append(ctx.diag(path, "E250", f"template: {problem.message}"))
    return found


def defined_templates(templates: Iterable[NotificationTemplate]) -> frozenset[str]:
    """The names `{{ define }}`d by the notification template files Alertmanager loads."""
    return frozenset(name for template in templates for name in DEFINE_RE.findall(template.text))


def template_fields(ctx: Context) -> Iterator[tuple[PathKey, str, Dialect]]:
    """Every spec field a server expands as a Go template, with its dialect."""
    spec = ctx.model.spec
    for g, group in enumerate(spec.alerts):
        for r, rule in enumerate(group.rules):
            base: PathKey = ("alerts", g, "rules", r)
            yield (*base, "summary"), rule.summary, "prometheus"
            yield (*base, "description"), rule.description, "prometheus"
            if rule.runbook_url is not None:
                yield (*base, "runbook_url"), rule.runbook_url, "prometheus"
            for kind, texts in (("labels", rule.labels), ("annotations", rule.annotations)):
                for key, value in texts.items():
                    yield (*base, kind, key), value, "prometheus"
    for s, slo in enumerate(spec.slos):
        for level in ("page", "ticket"):
            alert = getattr(slo.alerting, level)
            for kind, texts in (("labels", alert.labels), ("annotations", alert.annotations)):
                for key, value in texts.items():
                    yield ("slos", s, "alerting", level, kind, key), value, "prometheus"
    for i, receiver in enumerate(spec.alertmanager.receivers if spec.alertmanager else []):
        for kind, names in RECEIVER_TEMPLATE_FIELDS.items():
            for j, config in enumerate(getattr(receiver, kind)):
                for name in names:
                    value = getattr(config, name)
                    if isinstance(value, str):
                        yield ("alertmanager", "receivers", i, kind, j, name), value, "alertmanager"
