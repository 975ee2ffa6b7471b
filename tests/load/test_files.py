"""The loader turns hostile YAML into located diagnostics, in bounded time and memory, never a crash."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, UsageError
from erpgo_monctl.load.files import MAX_DEPTH, MAX_FILE_BYTES, MAX_VALUES, load_file, load_text


def _problems(text: str) -> list[Diagnostic]:
    with pytest.raises(MonctlError) as caught:
        load_text(text, "spec.yaml")
    return caught.value.diagnostics


def test_values_and_positions() -> None:
    text = "a:\n  b: [1, 2.5, true, null, x, '3']\n  c: 2020-01-01\n"
    loaded = load_text(text, "spec.yaml")
    assert loaded.data == {"a": {"b": [1, 2.5, True, None, "x", "3"], "c": "2020-01-01"}}
    assert loaded.source.values[("a", "b", 4)] == (2, text.splitlines()[1].index("x") + 1)
    assert loaded.source.keys[("a", "c")] == (3, 3)
    assert loaded.source.locate(("a", "b", 9, "deeper")) == (2, 6)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0x1F", 31),
        ("0o17", 15),
        ("017", 17),
        ("1_000", 1000),
        ("-3", -3),
        (".inf", math.inf),
        ("-.inf", -math.inf),
        ("1e3", 1000.0),
        ("yes", "yes"),
        ("on", "on"),
        ("True", True),
        ("~", None),
        ("9" * 5000, "9" * 5000),  # beyond Python's int conversion limit: kept as text for pydantic to reject
    ],
)
def test_scalars_follow_yaml_1_2(text: str, value: object) -> None:
    assert load_text(f"v: {text}\n", "spec.yaml").data == {"v": value}


def test_yaml_1_2_flow_values_libyaml_rejects_still_load() -> None:
    assert load_text("targets: [api:8080]\n", "spec.yaml").data == {"targets": ["api:8080"]}


def test_a_byte_order_mark_is_ignored() -> None:
    assert load_text("\ufeffversion: 1\n", "spec.yaml").data == {"version": 1}


def test_duplicate_keys_are_each_reported_with_the_first_line() -> None:
    found = _problems("a: 1\nb: 2\na: 3\nb: 4\n")
    assert [(d.code, d.line, d.column, d.path) for d in found] == [("E006", 3, 1, "a"), ("E006", 4, 1, "b")]
    assert "first defined at line 1" in found[0].message


def test_an_alias_bomb_stops_early_with_e005() -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        levels.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    [found] = _problems("\n".join(levels) + "\n")
    assert found.code == "E005" and "alias bomb" in found.message
    assert found.line > 1


def test_aliases_are_expanded_and_located_at_their_use_and_anchor() -> None:
    loaded = load_text("base: &b {x: 1, y: [2]}\ncopy: *b\n", "spec.yaml")
    assert loaded.data["copy"] == {"x": 1, "y": [2]}
    assert loaded.data["copy"] is not loaded.data["base"]
    assert loaded.source.values[("copy",)] == (2, 7)
    assert loaded.source.values[("copy", "y", 0)] == (1, 21)


def test_recursive_alias_and_undefined_alias() -> None:
    assert _problems("a: &a [1, *a]\n")[0].code == "E005"
    [found] = _problems("a: *nope\n")
    assert (found.code, found.line, found.column) == ("E001", 1, 4)


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 100_000 + "]" * 100_000,
        "a:\n" + "  - " * 30_000 + "x\n",
        "a: " + "{b: " * 10_000 + "1" + "}" * 10_000,
    ],
)
def test_deep_nesting_is_refused_without_exhausting_the_c_stack(tmp_path: Path, text: str) -> None:
    # in a child process: a regression here would be a segfault, which must not take pytest down with it
    spec = tmp_path / "deep.yaml"
    spec.write_text(text + "\n", encoding="utf-8")
    code = (
        "import sys; from pathlib import Path; from erpgo_monctl.load.files import load_file\n"
        "from erpgo_monctl.diagnostics import MonctlError\n"
        "try:\n    load_file(Path(sys.argv[1]))\n"
        "except MonctlError as e:\n    print(e.diagnostics[0].as_text())"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, str(spec)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    assert "error[E005]" in proc.stdout and f"more than {MAX_DEPTH} levels" in proc.stdout


def test_too_many_values_is_refused_while_reading() -> None:
    text = "v: [" + "1," * (MAX_VALUES + 10) + "1]\n"
    [found] = _problems(text)
    assert found.code == "E005" and f"{MAX_VALUES:,}" in found.message


def test_a_50_mb_file_is_refused_before_reading(tmp_path: Path) -> None:
    spec = tmp_path / "huge.yaml"
    with spec.open("wb") as handle:
        handle.truncate(50 * 2**20)  # sparse: the size is what matters
    with pytest.raises(MonctlError) as caught:
        load_file(spec)
    [found] = caught.value.diagnostics
    assert (found.code, found.line) == ("E004", 1)
    assert "50.0 MiB" in found.message and f"{MAX_FILE_BYTES // 2**20} MiB" in found.message


def test_non_utf8_bytes_are_located(tmp_path: Path) -> None:
    spec = tmp_path / "latin1.yaml"
    spec.write_bytes("version: 1\nname: caf\u00e9\n".encode("latin-1"))
    with pytest.raises(MonctlError) as caught:
        load_file(spec)
    [found] = caught.value.diagnostics
    assert (found.code, found.line, found.column) == ("E003", 2, 10)
    assert "0xe9" in found.message


@pytest.mark.parametrize(
    ("text", "line", "column"), [("a: \u00e9\u00e9\x07\n", 1, 6), ("a: 1\nb: x\x00\n", 2, 5)]
)
def test_control_characters_are_located_in_characters_not_bytes(text: str, line: int, column: int) -> None:
    [found] = _problems(text)
    assert (found.code, found.line, found.column) == ("E001", line, column)


def test_missing_file_and_directory_are_usage_errors(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.yaml", tmp_path):
        with pytest.raises(UsageError) as caught:
            load_file(path)
        assert caught.value.exit_code == 2 and caught.value.diagnostics[0].code == "E002"


@pytest.mark.parametrize(
    ("text", "code", "needle"),
    [
        ("a: !custom 1\n", "E006", "custom YAML tag '!custom'"),
        ("a: !!set {x, y}\n", "E006", "custom YAML tag"),
        ("? [a, b]\n: 1\n", "E006", "mapping keys must be plain strings"),
        ("a: &a {x: 1}\nb:\n  <<: *a\n", "E005", "merge keys"),
        ("a: 1\n---\nb: 2\n", "E001", "one YAML document"),
        ("a: [1, 2\nb: 3\n", "E001", "while parsing a flow sequence that starts at line 1"),
        ("a:\n\tb: 1\n", "E001", "indent with spaces"),
    ],
)
def test_yaml_features_we_refuse_are_located_errors(text: str, code: str, needle: str) -> None:
    found = _problems(text)
    assert found[0].code == code and needle in found[0].message
    assert found[0].line >= 1


def test_empty_and_comment_only_documents_load_as_nothing() -> None:
    assert load_text("", "spec.yaml").data is None
    assert load_text("# just a comment\n", "spec.yaml").data is None


def test_an_endless_file_is_read_only_up_to_the_limit() -> None:
    zero = Path("/dev/zero")
    if not zero.exists():
        pytest.skip("no /dev/zero on this system")
    with pytest.raises(MonctlError) as caught:
        load_file(zero)
    assert caught.value.diagnostics[0].code == "E004"
