"""Validate warnings are acknowledged like lint findings: `lint.disable`/`severity: off` or `lint_ignore`."""

from __future__ import annotations

from typing import Any

from erpgo_monctl.lint import lint_model
from tests.validate.builder import codes, findings, minimal, model


def _unused_receiver() -> dict[str, Any]:
    data = minimal()
    data["alertmanager"]["receivers"].append({"name": "spare", "webhook": [{"url": "http://spare:80/"}]})
    return data


def test_lint_disable_silences_a_warning_code_for_the_spec() -> None:
    data = _unused_receiver()
    assert "W302" in codes(findings(data))
    data["lint"] = {"disable": ["W302"]}
    assert "W302" not in codes(findings(data))
    data["lint"] = {"severity": {"W302": "off"}}
    assert "W302" not in codes(findings(data))


def test_lint_ignore_on_the_item_silences_a_warning_located_in_it() -> None:
    # W317: an alert meant for a route never reaches it (located at the alert)
    data = minimal()
    data["alertmanager"]["route"]["routes"] = [
        {"matchers": ['severity="critical"'], "receiver": "team"},
        {"matchers": ['service="shop"'], "receiver": "shop"},
    ]
    data["alertmanager"]["receivers"].append({"name": "shop", "webhook": [{"url": "http://shop:80/"}]})
    assert "W317" in codes(findings(data))
    rule = data["alerts"][0]["rules"][0]
    rule["lint_ignore"] = [{"rule": "W317", "reason": "the shop team reads the team channel"}]
    assert "W317" not in codes(findings(data))
    # and lint accepts the code: no lint/unknown-rule, no lint/unused-ignore
    assert not [d for d in lint_model(model(data)) if d.code.startswith("lint/")]


def test_errors_are_never_silenced() -> None:
    data = minimal()
    data["alertmanager"]["route"]["receiver"] = "nobody"
    data["lint"] = {"disable": ["E301"]}
    assert "E301" in codes(findings(data))
