"""The Locator: a spec path becomes a Diagnostic at the file, line and column it was written."""

from __future__ import annotations

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.source import Locator, SourceMap


def source() -> SourceMap:
    return SourceMap(
        "spec.yaml",
        values={(): (1, 1), ("alerts",): (3, 3), ("alerts", 0, "expr"): (4, 11), ("alerts", 1): (2, 3)},
        keys={("alerts", 0, "expr"): (4, 5)},
        files={("alerts", 1): "team.yaml"},
    )


def test_a_path_is_placed_at_its_value_or_its_key() -> None:
    at = Locator(source())
    assert at.diag(("alerts", 0, "expr"), "E201", "bad") == Diagnostic(
        "spec.yaml", 4, 11, "alerts[0].expr", "E201", "error", "bad"
    )
    found = at.diag(("alerts", 0, "expr"), "W1", "w", "warning", key=True)
    assert (found.line, found.column, found.severity) == (4, 5, "warning")


def test_a_path_without_a_position_takes_its_nearest_ancestors_in_that_ones_file() -> None:
    at = Locator(source())
    assert at.diag(("alerts", 0, "for"), "E1", "m").line == 3
    assert where(at.diag(("alerts", 1, "expr"), "E1", "m")) == ("team.yaml", 2, 3, "alerts[1].expr")


def test_shown_renames_the_path_and_no_source_map_is_spec_0_0() -> None:
    assert Locator(source()).diag(("alerts",), "E1", "m", shown="").path == ""
    assert where(Locator(None).diag(("x",), "E1", "m")) == ("<spec>", 0, 0, "x")
    assert where(Locator(SourceMap("d.json")).diag(("panels", 0), "G1", "m")) == ("d.json", 1, 1, "panels[0]")


def where(diag: Diagnostic) -> tuple[str, int, int, str]:
    return diag.file, diag.line, diag.column, diag.path
