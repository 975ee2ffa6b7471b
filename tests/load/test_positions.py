"""graft: a merged subtree's positions and files move with it (include: and environment overlays)."""

from __future__ import annotations

from erpgo_monctl.diagnostics.source import SourceMap
from erpgo_monctl.load.positions import graft


def team() -> SourceMap:
    return SourceMap(
        "team.yaml",
        values={("alerts",): (2, 3), ("alerts", 0): (3, 5), ("alerts", 0, "expr"): (4, 11), ("x",): (9, 1)},
        keys={("alerts", 0, "expr"): (4, 5)},
        files={("alerts", 0, "rules", 1): "sub.yaml"},
    )


def test_items_land_at_their_new_index_with_their_file() -> None:
    root = SourceMap("spec.yaml", values={("alerts",): (10, 3), ("alerts", 0): (11, 5)})
    graft(root, team(), {("alerts", 0): ("alerts", 1)})
    assert root.values[("alerts", 1, "expr")] == (4, 11)
    assert root.keys[("alerts", 1, "expr")] == (4, 5)
    assert root.values[("alerts",)] == (10, 3)  # the list itself stays the root's
    assert ("x",) not in root.values  # outside every root: not grafted
    assert root.where(("alerts", 1, "expr")) == ("team.yaml", 4, 11)
    assert root.file_of(("alerts", 1, "rules", 1, "expr")) == "sub.yaml"  # nested include kept
    assert root.where(("alerts", 0)) == ("spec.yaml", 11, 5)


def test_the_longest_root_wins_and_a_new_list_stands_in_the_child() -> None:
    root = SourceMap("spec.yaml")
    graft(root, team(), {("alerts",): ("alerts",), ("alerts", 0): ("alerts", 7)})
    assert root.where(("alerts",)) == ("team.yaml", 2, 3)
    assert root.values[("alerts", 7, "expr")] == (4, 11)
    assert ("alerts", 0, "expr") not in root.values


def test_an_overlay_in_the_same_file_records_no_files() -> None:
    base = SourceMap("spec.yaml", values={("environments", "dev", "retention"): (40, 16)})
    merged = SourceMap("spec.yaml")
    graft(merged, base, {("environments", "dev", "retention"): ("prometheus", "retention")})
    assert merged.values == {("prometheus", "retention"): (40, 16)}
    assert merged.files == {}
