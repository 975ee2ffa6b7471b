"""Documents with positions (one or many per file) and kind detection from content."""

from __future__ import annotations

from pathlib import Path

import pytest

from erpgo_monctl.diagnostics import MonctlError
from erpgo_monctl.importer.documents import detect_kind, read_documents
from tests.importer.conftest import write


def test_each_document_keeps_the_files_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path, "m.yaml", "---\na: 1\n---\n# c\n\nb:\n  c: 2\n...\n")
    docs = read_documents(path)
    assert [d.data for d in docs] == [{"a": 1}, {"b": {"c": 2}}]
    assert docs[1].where(("b", "c")) == (str(path), 7, 6)


def test_broken_yaml_in_a_later_document_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, "m.yaml", "a: 1\n---\nb: [1,\n")
    with pytest.raises(MonctlError) as caught:
        read_documents(path)
    assert [(d.code, d.line) for d in caught.value.diagnostics] == [("E001", 4)]


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ({"groups": []}, "rule-file"),
        ({"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule"}, "prometheus-rule"),
        ({"apiVersion": "sloth.slok.dev/v1", "kind": "PrometheusServiceLevel"}, "sloth-k8s"),
        ({"version": "prometheus/v1", "slos": []}, "sloth"),
        ({"apiVersion": "openslo/v1", "kind": "SLO"}, "openslo"),
        ({"route": {}, "receivers": []}, "alertmanager"),
        ({"scrape_configs": []}, "prometheus"),
        ({"foo": 1}, None),
        ([1, 2], None),
    ],
)
def test_kind_from_content(data: object, kind: str | None) -> None:
    assert detect_kind(data) == kind
