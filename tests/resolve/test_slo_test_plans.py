"""SLO test plans, made in resolve: the alert stories each SLO allows, with final labels and annotations."""

from __future__ import annotations

import pytest

from tests.render.test_unit_tests import GROUPED_28D
from tests.slo_specs import AVAILABILITY, first_plan, model_of, spec_text


def test_grouped_sli_labels_reach_the_expected_alerts() -> None:
    model = model_of(spec_text(GROUPED_28D))
    doc, _ = first_plan(model)
    assert doc is not None
    alerts = [a for t in doc["tests"] for c in t.get("alert_rule_test", []) for a in c["exp_alerts"]]
    page = next(a for a in alerts if a["exp_labels"]["slo_alert"] == "page")
    assert page["exp_labels"]["job"] == "api" and page["exp_labels"]["team"] == "api"
    assert page["exp_annotations"]["slo_page"] == "availability pages"


@pytest.mark.parametrize("window", ["30d", "28d", "7d"])
@pytest.mark.parametrize("objective", ["99.99", "99.9", "99.5", "99", "95"])
def test_every_story_is_generated_for_usual_objectives(window: str, objective: str) -> None:
    model = model_of(
        spec_text(
            AVAILABILITY.replace("objective: 99.9", f"objective: {objective}") + f"  window: {window}\n"
        )
    )
    doc, skipped = first_plan(model)
    if (window, objective) == ("7d", "95"):  # a 19x spike (the 95% cap) over 11 of 14 minutes is 14.9x
        assert doc is not None and len(doc["tests"]) == 7 and len(skipped) == 1
        assert "the page resolves" in skipped[0] and "within 2%" in skipped[0]
        return
    assert doc is not None and len(doc["tests"]) == 8 and skipped == []


def test_unpredictable_annotation_templates_mean_no_generated_tests() -> None:
    model = model_of(spec_text(AVAILABILITY + "  alerting: {page: {annotations: {value: '{{ $value }}'}}}\n"))
    doc, notes = first_plan(model)
    assert doc is None and "templates" in notes[0]
