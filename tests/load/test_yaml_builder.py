"""The builder bounds what aliases expand to: values (test_files.py) and, here, characters of text."""

from __future__ import annotations

import pytest

from erpgo_monctl.diagnostics import MonctlError
from erpgo_monctl.load.files import load_text
from erpgo_monctl.load.yaml_builder import MAX_EXPANDED_CHARS


def test_a_long_string_aliased_many_times_is_refused_at_the_alias_that_crosses_the_limit() -> None:
    size = 1 << 20
    text = 'big: &a "' + "x" * size + '"\nl: [' + ", ".join(["*a"] * 800) + "]\n"
    with pytest.raises(MonctlError) as caught:
        load_text(text, "spec.yaml")
    [found] = caught.value.diagnostics
    crossing = MAX_EXPANDED_CHARS // size - 2  # the anchored value counts once, then each alias
    assert (found.code, found.line, found.path) == ("E005", 2, f"l[{crossing}]")
    assert "MiB of text with aliases expanded" in found.message


def test_an_anchored_mapping_counts_its_keys_and_values_each_time_it_is_aliased() -> None:
    value = "y" * (1 << 20)
    text = f"m: &m {{k{'k' * 10}: {value}}}\n" + "".join(f"c{i}: *m\n" for i in range(40))
    with pytest.raises(MonctlError) as caught:
        load_text(text, "spec.yaml")
    [found] = caught.value.diagnostics
    assert found.code == "E005" and found.path == "c30"


def test_aliases_below_the_limit_load() -> None:
    text = 'big: &a "' + "x" * 1000 + '"\nl: [' + ", ".join(["*a"] * 100) + "]\n"
    loaded = load_text(text, "spec.yaml")
    assert len(loaded.data["l"]) == 100
