"""Log pipeline rules: per-request fields promoted to Loki labels."""

from __future__ import annotations

from typing import Any

from tests.lint.conftest import Linter, only


def logging(*stages: dict[str, Any]) -> dict[str, Any]:
    return {
        "jobs": [
            {
                "name": "app",
                "paths": ["/var/log/app/*.log"],
                "pipeline": [
                    {
                        "json": {
                            "level": "level",
                            "request_id": "request_id",
                            "endpoint": "endpoint",
                            "method": "method",
                        }
                    },
                    *stages,
                ],
            }
        ]
    }


def test_unbounded_fields_as_labels(lint: Linter) -> None:
    found = lint(logging=logging({"labels": ["level", "request_id", "endpoint"]}))
    hits = only(found, "logs/high-cardinality-label")
    assert [d.path for d in hits] == [
        "logging.jobs[0].pipeline[1].labels[1]",
        "logging.jobs[0].pipeline[1].labels[2]",
    ]
    assert "structured_metadata: [request_id]" in hits[0].message


def test_bounded_labels_and_structured_metadata_pass(lint: Linter) -> None:
    found = lint(
        logging=logging({"labels": ["level", "method"]}, {"structured_metadata": ["request_id", "endpoint"]})
    )
    assert found == []


def test_no_logging_section_passes(lint: Linter) -> None:
    assert lint() == []
