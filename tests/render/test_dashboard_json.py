"""dashboard_json's fast writer is byte for byte json.dumps(sort_keys=True, indent=2, ensure_ascii=False)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from erpgo_monctl.render.grafana import dashboard_json

CASES: list[Any] = [
    {"b": [1, 2.5, {"x": None, "é": '\u2028"\\\n\x01'}], "a": {}, "c": [], "d": True, "e": False},
    {"big": 1e16, "small": 1e-7, "negative zero": -0.0, "nested": [[], [{}], [[1]]], "tuple": (1, "two")},
    {2: "int keys", 1: "are left to json.dumps"},
    {"nan": float("nan"), "inf": float("inf")},
    {},
    [],
    "text",
    3,
]


@pytest.mark.parametrize("doc", CASES)
def test_dashboard_json_matches_json_dumps(doc: Any) -> None:
    expected = json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert dashboard_json(doc) == expected.encode()
