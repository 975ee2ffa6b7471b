"""The spec's JSON Schema, generated from the pydantic models.

Pydantic cannot see inside our AfterValidator functions (durations, slugs, label names,
host:port, matchers, images, secret file names), so the generator maps each validator to
the pattern it enforces; and JSON Schema patterns search rather than match, so every
pattern is anchored. An editor or `check-jsonschema` then rejects what `monctl validate` does.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from erpgo_monctl.analysis.matchers import MATCHER_RE
from erpgo_monctl.spec import alertmanager, operations, types
from erpgo_monctl.spec.v1 import Spec

_LABEL = types.LABEL_NAME_RE.pattern
_IMAGE_NAME = r"[a-z0-9][a-z0-9._/-]*[a-z0-9]"
_IMAGE_TAG = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"
_DIGEST = r"@sha256:[a-f0-9]{64}"
# pinned: a release tag (never latest), or a digest
_PINNED_IMAGE = rf"{_IMAGE_NAME}(?::(?!latest(?:@|$)){_IMAGE_TAG}(?:{_DIGEST})?|(?::{_IMAGE_TAG})?{_DIGEST})"


def _validator_patterns() -> dict[Callable[..., Any], dict[str, Any]]:
    """What each of our string validators enforces, as JSON Schema keywords."""
    return {
        types._check_duration: {"pattern": types.DURATION_RE.pattern},
        types._check_label_name: {"pattern": _LABEL},
        types._check_slug: {"pattern": types.SLUG_RE.pattern},
        types._check_hostport: {"pattern": r"[^\s]+:[0-9]{1,5}"},
        types._check_secret_file: {
            "pattern": rf"(?!\.\.?$){types.SECRET_NAME_RE.pattern}|{types.SECRET_PATH_RE.pattern}"
        },
        types._check_label_map: {"propertyNames": {"pattern": f"(?!__){_LABEL}"}},
        alertmanager._check_matcher: {"pattern": MATCHER_RE.pattern},
        operations._check_image: {"pattern": _PINNED_IMAGE},
    }


class _SpecSchema(GenerateJsonSchema):
    def function_after_schema(self, schema: core_schema.AfterValidatorFunctionSchema) -> JsonSchemaValue:
        generated = super().function_after_schema(schema)
        extra = _validator_patterns().get(schema["function"]["function"])
        return {**generated, **extra} if extra else generated


def _anchor(node: Any) -> None:
    """Make every `pattern` a full match (JSON Schema patterns are unanchored searches)."""
    if isinstance(node, dict):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and not pattern.startswith("^"):
            node["pattern"] = f"^(?:{pattern})$"
        for value in node.values():
            _anchor(value)
    elif isinstance(node, list):
        for value in node:
            _anchor(value)


def schema_json() -> str:
    """JSON Schema (draft 2020-12) of spec version 1, deterministic text."""
    schema = Spec.model_json_schema(by_alias=True, mode="validation", schema_generator=_SpecSchema)
    _anchor(schema)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://erpgo.example.com/monctl/spec-v1.schema.json"
    schema["title"] = "monctl spec, version 1"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
