"""The spec's JSON Schema, generated from the pydantic models."""

from __future__ import annotations

import json

from erpgo_monctl.spec.v1 import Spec


def schema_json() -> str:
    """JSON Schema (draft 2020-12) of spec version 1, deterministic text."""
    schema = Spec.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://erpgo.example.com/monctl/spec-v1.schema.json"
    schema["title"] = "monctl spec, version 1"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
