"""run_checks: every check's findings gathered; a check's bug and an unparseable monster handled."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from erpgo_monctl import validate as checks
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.validate import Context, run_checks
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


def replace_check(
    monkeypatch: pytest.MonkeyPatch, name: str, run: Callable[[Context], list[Diagnostic]]
) -> None:
    """Swap one entry of the static registry (the registry holds functions, not module names)."""
    entries = tuple(checks.Check(name, run) if c.name == name else c for c in checks.CHECKS)
    monkeypatch.setattr(checks, "CHECKS", entries)


def test_the_registry_names_each_check_module_once() -> None:
    from pathlib import Path

    modules = {p.stem for p in Path(checks.__file__).parent.glob("*.py")} - {
        "__init__",
        "context",
        "alert_labels",
        "acknowledge",  # filters the checks' findings (lint_ignore, lint.disable); not a check
    }
    assert sorted(c.name for c in checks.CHECKS) == sorted(modules)
    assert [c.run.__module__.rpartition(".")[2] for c in checks.CHECKS] == [c.name for c in checks.CHECKS]


def test_a_check_that_crashes_becomes_an_e000_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(ctx: object) -> list[Diagnostic]:
        raise KeyError("oops")

    replace_check(monkeypatch, "references", broken)
    [found] = run_checks(model(minimal()))
    assert (found.code, found.line, found.column) == ("E000", 1, 1)
    assert "'references' check (KeyError" in found.message


def test_an_expression_beyond_the_parser_limits_stops_the_checks_that_would_parse_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ran: list[str] = []

    def metrics(ctx: Context) -> list[Diagnostic]:
        ran.append("metrics")
        return []

    replace_check(monkeypatch, "metrics", metrics)
    data = minimal()
    data["alerts"][0]["rules"][0]["expr"] = "(" * 100 + "up" + ")" * 100 + " == 0"
    [found] = run_checks(model(data))
    assert (found.code, found.path) == ("E202", "alerts[0].rules[0].expr")
    names = [c.name for c in checks.CHECKS]
    assert ran == [] and names.index("promql") < names.index("metrics")
