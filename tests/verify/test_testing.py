"""verify.testing: spec text reaches amtool and promtool as operands, never as options or broken matchers."""

from __future__ import annotations

from pathlib import Path

from erpgo_monctl.pipeline import render_model
from erpgo_monctl.verify.testing import run_route_tests
from erpgo_monctl.verify.tools import operand
from tests.conftest import need
from tests.validate.builder import minimal, model


def _routes_spec(value: str, expected: str) -> dict[str, object]:
    data = minimal()
    manager = data["alertmanager"]
    manager["receivers"].append({"name": "odd", "webhook": [{"url": "http://hooks.internal:8080/odd"}]})
    manager["route"]["routes"] = [{"matchers": [f'tag="{value}"'], "receiver": "odd"}]
    manager["route_tests"] = [{"labels": {"tag": value.replace('\\"', '"')}, "receivers": [expected]}]
    return data


def _run(data: dict[str, object], tmp_path: Path) -> bool:
    amtool = need("amtool")
    built = model(data)
    for relative, content in render_model(built).items():
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    [result] = run_route_tests(built, tmp_path, amtool)
    return result.ok


def test_a_label_value_with_quote_comma_and_space_reaches_amtool_as_one_value(tmp_path: Path) -> None:
    assert _run(_routes_spec('a b,\\"c=d', "odd"), tmp_path)


def test_the_wrong_receiver_for_an_odd_value_still_fails(tmp_path: Path) -> None:
    assert not _run(_routes_spec('--help a,\\"c', "team"), tmp_path)


def test_a_path_starting_with_a_dash_becomes_a_relative_operand() -> None:
    assert operand(Path("-x/configs/prometheus.yml")) == "./-x/configs/prometheus.yml"
    assert operand(Path("/abs/out")) == "/abs/out"
