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
from erpgo_monctl.spec.team import INFORMATIVE_KEYS, TEAM_SECTIONS
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


def _team_file(spec: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    """A team file: the sections and informative keys `include:` accepts (spec/team.py), none required."""
    top = {str(section[0]) for section in TEAM_SECTIONS if len(section) == 1} | set(INFORMATIVE_KEYS)
    properties = {key: spec["properties"][key] for key in sorted(top)}
    manager, root_route = defs["Alertmanager"]["properties"], defs["RootRoute"]["properties"]
    nested = {
        str(section[1]): manager.get(str(section[1])) or root_route[str(section[1])]
        for section in TEAM_SECTIONS
        if len(section) == 2
    }
    properties["alertmanager"] = {
        "type": "object",
        "additionalProperties": False,
        "description": "the team's receivers, routes (appended to the root route's), route tests "
        "and inhibit rules",
        "properties": dict(sorted(nested.items())),
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "title": "monctl team file (a spec another spec includes)",
        "properties": properties,
    }


def schema_json() -> str:
    """JSON Schema (draft 2020-12) of spec version 1, deterministic text.

    It serves root specs and team files alike (a team file's modeline points at the same file): a
    document is either a spec (`version` and `name` required) or a team file (only the sections
    an included file may hold). A team file nobody includes is still refused by `monctl validate`.
    """
    spec = Spec.model_json_schema(by_alias=True, mode="validation", schema_generator=_SpecSchema)
    _anchor(spec)
    defs = spec.pop("$defs")
    defs["TeamFile"] = _team_file(spec, defs)
    defs["Spec"] = spec
    schema = {
        "$defs": defs,
        "anyOf": [{"$ref": "#/$defs/Spec"}, {"$ref": "#/$defs/TeamFile"}],
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://erpgo.example.com/monctl/spec-v1.schema.json",
        "title": "monctl spec, version 1",
        "description": spec.get("description", ""),
    }
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
