"""Positions in a JSON document: every value and key, at its 1-based line and column."""

from __future__ import annotations

import json

from erpgo_monctl.load.json_source import json_source

TEXT = r"""{
  "a": [1, {"b": "x,y]}"}, []],
  "c": {"d": null, "e\"q": -2.5e3},
  "f": "{\"g\": [1]}"
}"""


def test_every_value_and_key_is_placed() -> None:
    assert json.loads(TEXT)["c"] == {"d": None, 'e"q': -2500.0}
    source = json_source(TEXT, "d.json")
    assert source.values == {
        (): (1, 1),
        ("a",): (2, 8),
        ("a", 0): (2, 9),
        ("a", 1): (2, 12),
        ("a", 1, "b"): (2, 18),
        ("a", 2): (2, 28),
        ("c",): (3, 8),
        ("c", "d"): (3, 14),
        ("c", 'e"q'): (3, 28),
        ("f",): (4, 8),
    }
    assert source.keys[("c", 'e"q')] == (3, 20)
    assert source.where(("a", 1, "b", "missing")) == ("d.json", 2, 18)


def test_a_rendered_dashboard_locates_its_targets() -> None:
    doc = {"panels": [{"id": 1, "targets": [{"refId": "A", "expr": "up"}]}]}
    text = json.dumps(doc, indent=2)
    line = text.splitlines().index('          "expr": "up"') + 1
    assert json_source(text, "d.json").where(("panels", 0, "targets", 0, "expr")) == ("d.json", line, 19)


def test_text_that_is_not_json_keeps_what_was_found() -> None:
    source = json_source('{"a": 1, 2: 3}', "d.json")
    assert source.values == {(): (1, 1), ("a",): (1, 7)}
