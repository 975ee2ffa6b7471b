"""schema/monctl-spec.schema.json (the editors' modeline target) is what `monctl schema` prints."""

from __future__ import annotations

from erpgo_monctl.spec.schema import schema_json
from tests.conftest import ERPGO_SPEC, REPO


def test_committed_schema_is_current() -> None:
    committed = (REPO / "schema" / "monctl-spec.schema.json").read_text(encoding="utf-8")
    assert committed == schema_json(), "run: monctl schema > schema/monctl-spec.schema.json"


def test_erpgo_spec_modeline_points_at_it() -> None:
    first = ERPGO_SPEC.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/monctl-spec.schema.json"
    assert (ERPGO_SPEC.parent / "../schema/monctl-spec.schema.json").resolve().is_file()
