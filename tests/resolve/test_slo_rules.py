"""The generated rule group per SLO and the inhibit rule between an SLO's page and ticket."""

from __future__ import annotations

from erpgo_monctl.resolve.rule_groups import AlertingRule, RecordingRule
from erpgo_monctl.resolve.slo_rules import InhibitRule
from tests.slo_specs import AVAILABILITY, model_of, spec_text


def test_inhibit_rule_silences_the_ticket_of_the_same_slo() -> None:
    assert model_of(spec_text()).inhibit_rules == (
        InhibitRule(('slo_alert="page"',), ('slo_alert="ticket"',), ("slo", "service")),
    )
    assert model_of(spec_text(slos="")).inhibit_rules == ()


def test_recordings_come_before_the_alerts_with_final_labels_and_annotations() -> None:
    model = model_of(spec_text())
    (rules,) = model.slo_rules
    kinds = [type(rule) for rule in rules.group.rules]
    assert kinds == sorted(kinds, key=lambda kind: kind is AlertingRule)
    assert isinstance(rules.group.rules[0], RecordingRule)
    page = rules.burn_alerts[0].rule
    assert page.labels["severity"] == "critical" and page.labels["slo_alert"] == "page"
    assert list(page.annotations)[:2] == ["summary", "description"]
    assert page.spec_path == ("slos", 0) and page.name_path == ("slos", 0, "name")
    assert model.alerts[-len(rules.burn_alerts) :] == tuple(a.rule for a in rules.burn_alerts)


def test_a_disabled_ticket_makes_no_alert() -> None:
    model = model_of(spec_text(AVAILABILITY + "  alerting: {ticket: {disable: true}}\n"))
    assert [a.kind for a in model.slo_rules[0].burn_alerts] == ["page"]
