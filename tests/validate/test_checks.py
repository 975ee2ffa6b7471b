"""run_checks: every check's findings gathered; a check's bug and an unparseable monster handled."""

from __future__ import annotations

import pytest

from erpgo_monctl import validate as checks
from erpgo_monctl.validate import run_checks
from tests.validate.builder import alert, minimal, model


def test_findings_of_every_check_are_gathered_and_sorted() -> None:
    data = minimal()
    data["alerts"][0]["rules"][0]["severity"] = "page"
    data["alerts"][0]["rules"].append(
        alert("Typo", "rate(http_request_total[5m]) > 1", labels={"service": "s"})
    )
    data["alertmanager"]["route"]["receiver"] = "nobody"
    found = run_checks(model(data))
    assert found == sorted(found)
    assert {d.code for d in found} == {"E301", "E307", "E308", "W302"}


def test_a_check_that_crashes_becomes_an_e000_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    from erpgo_monctl.validate import references

    def broken(ctx: object) -> list[object]:
        raise KeyError("oops")

    monkeypatch.setattr(references, "check", broken)
    [found] = run_checks(model(minimal()))
    assert (found.code, found.line, found.column) == ("E000", 1, 1)
    assert "'references' check (KeyError" in found.message


def test_an_expression_beyond_the_parser_limits_stops_the_checks_that_would_parse_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []
    from erpgo_monctl.validate import metrics

    monkeypatch.setattr(metrics, "check", lambda ctx: ran.append("metrics") or [])
    data = minimal()
    data["alerts"][0]["rules"][0]["expr"] = "(" * 100 + "up" + ")" * 100 + " == 0"
    [found] = run_checks(model(data))
    assert (found.code, found.path) == ("E202", "alerts[0].rules[0].expr")
    assert ran == [] and checks.CHECKS.index("promql") < checks.CHECKS.index("metrics")
