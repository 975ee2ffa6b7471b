"""Shared field types of the spec: durations, slugs, label maps, secret-file references."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field

DURATION_RE = re.compile(r"(?:[0-9]+(?:ms|[smhdwy]))+")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_PART_RE = re.compile(r"([0-9]+)(ms|[smhdwy])")
LABEL_NAME_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
SLUG_RE = re.compile(r"[a-z][a-z0-9-]*")


class Strict(BaseModel):
    """Base of every spec model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


def duration_seconds(text: str) -> float:
    """Seconds in a Prometheus duration such as `1h30m`."""
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in _PART_RE.findall(text))


def _check_duration(value: str) -> str:
    if not DURATION_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a duration (e.g. 30s, 5m, 1h30m, 30d)")
    return value


def _check_label_name(value: str) -> str:
    if not LABEL_NAME_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)")
    return value


def _check_label_keys(value: dict[str, str]) -> dict[str, str]:
    for key in value:
        _check_label_name(key)
    return value


def _check_label_map(value: dict[str, str]) -> dict[str, str]:
    for key in value:
        _check_label_name(key)
        if key.startswith("__"):
            raise ValueError(f"label {key!r}: names starting with __ are reserved for Prometheus")
    return value


def _check_slug(value: str) -> str:
    if not SLUG_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a slug: use lower case letters, digits and '-' (e.g. orders-api)")
    return value


def _check_hostport(value: str) -> str:
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{value!r} is not host:port (e.g. api:8080)")
    return value


SECRET_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+")
# an absolute path of non-empty segments, none of them `.` or `..`
SECRET_PATH_RE = re.compile(r"(?:/(?!\.\.?(?:/|$))[A-Za-z0-9_.@+-]+)+")


def _check_secret_file(value: str) -> str:
    """A bare name (compose mounts it from stack.secrets_dir) or an absolute path used as written."""
    if value.startswith("/"):
        if not SECRET_PATH_RE.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a clean absolute path: write /dir/file with letters, digits, "
                "'.', '_', '-', '@', '+' in each part and no '..' (or a bare file name in stack.secrets_dir)"
            )
        return value
    if not SECRET_NAME_RE.fullmatch(value):
        raise ValueError(
            f"{value!r}: write a bare file name in stack.secrets_dir (letters, digits, '.', '_', '-'; "
            "mounted as /run/secrets/<name>) or an absolute path such as /etc/alertmanager/secrets/slack"
        )
    if value in (".", ".."):
        raise ValueError(f"{value!r}: give the secret's file name inside the secrets directory")
    return value


def is_mounted_secret(value: str) -> bool:
    """True for a bare name the compose stack mounts; an absolute path is the deployment's own."""
    return not value.startswith("/")


Duration = Annotated[
    str, AfterValidator(_check_duration), Field(json_schema_extra={"pattern": DURATION_RE.pattern})
]
LabelName = Annotated[str, AfterValidator(_check_label_name)]
LabelMap = Annotated[dict[str, str], AfterValidator(_check_label_map)]
# labels of a test alert: any valid label name, `__` ones included (a key `--help` never reaches amtool)
LabelSet = Annotated[dict[str, str], AfterValidator(_check_label_keys)]
Slug = Annotated[str, AfterValidator(_check_slug)]
HostPort = Annotated[str, AfterValidator(_check_hostport)]
SecretFile = Annotated[
    str,
    AfterValidator(_check_secret_file),
    Field(
        description="a file name in stack.secrets_dir (mounted as /run/secrets/<name>), "
        "or an absolute path used as written"
    ),
]
Port = Annotated[int, Field(gt=0, lt=65536)]


# The error type a key-tagged union reports when a mapping names no kind or several (load/parse.py maps it).
ONE_KIND_ERROR = "one_kind"


def one_key_of(message: str, *keys: str) -> Discriminator:
    """Tell a union's members apart by which one of `keys` a mapping has (the YAML has no tag field).

    Each member is `Annotated[Model, Tag(key)]` with `key` its one required field, so
    `{regex: ...}` picks the regex stage. A mapping with none or several of the keys gets
    one `one_kind` error carrying `message` (and the keys found), not one error per member.
    """

    def kind_of(value: Any) -> str | None:
        if isinstance(value, BaseModel):  # built in Python (resolve, tests): the member's own key
            value = {info.alias or name: True for name, info in type(value).model_fields.items()}
        if not isinstance(value, dict):
            return None
        found = [key for key in keys if key in value]
        return found[0] if len(found) == 1 else None

    return Discriminator(
        kind_of,
        custom_error_type=ONE_KIND_ERROR,
        custom_error_message=message,
        custom_error_context={"kinds": ", ".join(keys)},
    )
