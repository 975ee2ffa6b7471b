"""runbooks/<Alert>.md: what fired, how fast to respond, and the on-call procedure to follow."""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.analysis.routing import RouteMatcher
from erpgo_monctl.render import Files
from erpgo_monctl.resolve.layout import runbook_path
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.operations import IncidentLevel
from erpgo_monctl.spec.rules import AlertRule


@dataclass(frozen=True)
class Variant:
    rule: AlertRule
    group: str
    level: IncidentLevel | None
    labels: list[tuple[str, str]]
    receivers: tuple[str, ...]
    catch_all: bool


def render(model: Model) -> Files:
    """One runbook per alert name (SLO burn alerts included); tiered alerts share one page."""
    levels = {level.name: level for level in model.spec.incidents.levels}
    by_name: dict[str, list[Variant]] = {}
    am = model.spec.alertmanager
    route_matcher = RouteMatcher(am.route) if am else None  # once per distinct routing signature
    procedures: dict[str, str | None] = {}
    for alert in model.alerts:
        rule = alert.source
        policy = model.severities.get(rule.severity)
        level = levels.get(policy.level) if policy else None
        labels = [("severity", rule.severity), *sorted(rule.labels.items())]
        matches = route_matcher(alert.routing_labels) if route_matcher else []
        receivers = tuple(match.receiver for match in matches)
        catch_all = bool(matches) and all(match.path == () for match in matches)
        by_name.setdefault(rule.alert, []).append(
            Variant(rule, alert.group, level, labels, receivers, catch_all)
        )
        if procedures.get(rule.alert) is None:
            procedures[rule.alert] = alert.procedure
    from erpgo_monctl.render import markdown
    from erpgo_monctl.render.templating import load_template

    template = load_template(
        "runbook.md.j2",
        md=markdown.inline,
        code=markdown.code,
        fence=markdown.fence,
        block=markdown.block,
        comment=markdown.comment,
    )
    files: Files = {}
    for name, variants in sorted(by_name.items()):
        procedure_name = procedures.get(name)
        procedure = model.spec.incidents.procedures.get(procedure_name) if procedure_name else None
        text = template.render(
            header=model.header.replace("\n", " — "),  # the comment filter keeps it one safe line
            name=name,
            variants=variants,
            procedure=procedure,
            procedure_name=procedure_name,
            workflow=model.spec.incidents.workflow,
        )
        files[runbook_path(name)] = text.encode()
    return files
