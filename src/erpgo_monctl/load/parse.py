"""Loaded YAML -> validated Spec, with pydantic errors turned into located diagnostics."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, format_path
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.load.files import Loaded
from erpgo_monctl.spec.v1 import Spec

# plain-text secret keys -> the *_file field to write instead
SECRET_KEYS = {
    "password": "password_file",
    "auth_password": "auth_password_file",
    "smtp_auth_password": "smtp: {auth_password_file}",
    "admin_password": "admin_password_file",
    "api_url": "api_url_file",
    "slack_api_url": "slack_api_url_file",
    "webhook_url": "api_url_file (Slack) or url + credentials_file (webhook)",
    "routing_key": "routing_key_file",
    "service_key": "routing_key_file",
    "token": "credentials_file",
    "bearer_token": "bearer_token_file",
    "api_key": "an *_file field naming a file in the secrets directory",
    "secret": "an *_file field naming a file in the secrets directory",
}

# secret-looking values: a Slack incoming-webhook URL, or a URL carrying credentials (user:pass@ / token@)
_SLACK_HOOK_RE = re.compile(r"hooks\.slack\.com\.?(?::\d+)?/services/\S+", re.IGNORECASE)
# a query parameter that carries a credential (?token=..., &api_key=..., &sig=...)
_URL_QUERY_SECRET_RE = re.compile(
    r"[?&](?:[a-z_]*(?:token|key|secret|password|passwd|sig|signature|auth))=[^&#\s]+", re.IGNORECASE
)
_URL_PASSWORD_RE = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s@:]+:[^/\s@]*@")
_URL_USERINFO_RE = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s@]+@")
# host:port with userinfo in front (a scrape target, an alertmanager, an SMTP smarthost)
_HOSTPORT_USERINFO_RE = re.compile(r"^\s*[^\s/@:]+(?::[^\s/@]*)?@[^\s/@]+:\d+\s*$")
# a value shaped like a URL or a path, where a query string may carry a token
_URL_OR_PATH_RE = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*://|/)")

_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "int_parsing": "an integer",
    "float_parsing": "a number",
    "bool_parsing": "true or false",
    "model_attributes_type": "a mapping",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    kind = {int: "integer", float: "number", str: "string"}.get(type(value), type(value).__name__)
    shown = repr(value) if len(repr(value)) < 60 else repr(value)[:57] + "..."
    return f"{kind} {shown}"


def annotation_at(path: PathKey) -> Any:
    """The spec type at `path` (a model class, list[...] or dict[...]); None where it cannot be told.

    Shared by did-you-mean suggestions here and by environment overlays (which keys exist).
    """
    current: Any = Spec
    for part in path:
        current = _concrete(current)
        origin = typing.get_origin(current)
        if isinstance(part, int):
            current = typing.get_args(current)[0] if origin is list else None
        elif origin is dict:
            current = typing.get_args(current)[1]
        elif isinstance(current, type) and issubclass(current, BaseModel):
            current = next(
                (
                    info.annotation
                    for name, info in current.model_fields.items()
                    if part in (name, info.alias)
                ),
                None,
            )
        else:
            current = None
        if current is None:
            return None
    return _concrete(current)


def _concrete(annotation: Any) -> Any:
    """`annotation` without Annotated and Optional; None when a union leaves several types."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return None
            annotation = options[0]
        else:
            return annotation


def model_at(loc: PathKey) -> type[BaseModel] | None:
    """The model class that validates the mapping at `loc`, for did-you-mean suggestions."""
    found = annotation_at(loc)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


def field_names(model: type[BaseModel]) -> list[str]:
    return sorted(f.alias or n for n, f in model.model_fields.items())


def _error_to_diagnostic(error: Any, loaded: Loaded) -> Diagnostic:
    loc: PathKey = tuple(p for p in error["loc"] if isinstance(p, int | str))
    kind = error["type"]
    src = loaded.source
    path = format_path(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        line, col = src.locate(loc, key=True)
        if key in SECRET_KEYS:
            return Diagnostic(
                src.file_of(loc),
                line,
                col,
                path,
                "E110",
                "error",
                f"plain-text secret: `{key}` is not allowed; write {SECRET_KEYS[key]} naming a file "
                "in the secrets directory instead",
            )
        parent = model_at(loc[:-1])
        known = field_names(parent) if parent else []
        guess = difflib.get_close_matches(key, known, n=1)
        hint = (
            f"; did you mean {guess[0]!r}?"
            if guess
            else (f"; known keys: {', '.join(known)}" if known else "")
        )
        return Diagnostic(src.file_of(loc), line, col, path, "E101", "error", f"unknown key {key!r}{hint}")
    if kind == "missing":
        line, col = src.locate(loc[:-1])
        return Diagnostic(
            src.file_of(loc), line, col, path, "E102", "error", f"missing required key {str(loc[-1])!r}"
        )
    line, col = src.locate(loc)
    value = error.get("input")
    if kind in _TYPE_NAMES:
        return Diagnostic(
            src.file_of(loc),
            line,
            col,
            path,
            "E103",
            "error",
            f"expected {_TYPE_NAMES[kind]}, got {_describe(value)}",
        )
    message = str(error["msg"])
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        return _value_error(loaded, loc, value, message)
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return Diagnostic(
            src.file_of(loc),
            line,
            col,
            path,
            "E104",
            "error",
            f"{_describe(value)} is not allowed; expected {expected}",
        )
    if kind == "string_pattern_mismatch":
        pattern = error.get("ctx", {}).get("pattern", "")
        return Diagnostic(
            src.file_of(loc),
            line,
            col,
            path,
            "E104",
            "error",
            f"{_describe(value)} does not match the required form {pattern}",
        )
    return Diagnostic(
        src.file_of(loc), line, col, path, "E104", "error", f"{message} (got {_describe(value)})"
    )


def _value_error(loaded: Loaded, loc: PathKey, value: Any, message: str) -> Diagnostic:
    """E105, pointed at the key a mapping-level message names (`buckets: ...`, `label '__x': ...`)."""
    src = loaded.source
    if isinstance(value, dict):
        for key in value:
            name = str(key)
            if message.startswith(f"{name}: "):
                line, col = src.locate((*loc, name))
                return Diagnostic(
                    src.file_of(loc),
                    line,
                    col,
                    format_path((*loc, name)),
                    "E105",
                    "error",
                    message.removeprefix(f"{name}: "),
                )
            if f"{name!r}" in message or message.startswith(f"{name} "):
                line, col = src.locate((*loc, name), key=True)
                return Diagnostic(
                    src.file_of(loc), line, col, format_path((*loc, name)), "E105", "error", message
                )
    line, col = src.locate(loc)
    return Diagnostic(src.file_of(loc), line, col, format_path(loc), "E105", "error", message)


def _secret_advice(path: PathKey, slack: bool) -> str:
    """What to write instead of a secret-bearing URL at `path`."""
    if slack:
        return (
            "a Slack webhook URL is a credential: put it in a file in the secrets directory and use a "
            "receiver's `slack: [{api_url_file: <file>, channel: ...}]` (or alertmanager.slack_api_url_file)"
        )
    if "webhook" in path:
        return (
            "credentials in the URL: write the url without them and put the token in "
            "`credentials_file: <file>` next to it"
        )
    if "remote_write" in path:
        return (
            "credentials in the URL: write the url without them and use "
            "`basic_auth: {username: ..., password_file: <file>}` or `bearer_token_file: <file>`"
        )
    return "credentials in the URL: remove them; secrets go in *_file fields naming files in the secrets dir"


def secret_values(loaded: Loaded) -> list[Diagnostic]:
    """E110 for secret-looking values (Slack webhook URLs, credentials inside URLs) anywhere in the spec."""
    found: list[Diagnostic] = []
    pending: list[tuple[PathKey, Any]] = [((), loaded.data)]
    while pending:
        path, value = pending.pop()
        if isinstance(value, dict):
            pending.extend(((*path, str(k)), v) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend(((*path, i), v) for i, v in enumerate(value))
        elif isinstance(value, str) and ("@" in value or "slack" in value.lower() or "?" in value):
            # by the value's shape, whatever its key: a URL, a path or a host:port carrying credentials
            slack = bool(_SLACK_HOOK_RE.search(value))
            query_secret = _URL_OR_PATH_RE.match(value) and _URL_QUERY_SECRET_RE.search(value)
            if (
                slack
                or query_secret
                or _URL_PASSWORD_RE.search(value)
                or _URL_USERINFO_RE.match(value)
                or _HOSTPORT_USERINFO_RE.match(value)
            ):
                line, col = loaded.source.locate(path)
                found.append(
                    Diagnostic(
                        loaded.source.file_of(path),
                        line,
                        col,
                        format_path(path),
                        "E110",
                        "error",
                        f"plain-text secret: {_secret_advice(path, slack)}",
                    )
                )
    return found


def parse_spec(loaded: Loaded) -> Spec:
    """Validate loaded data against the v1 models; raise every problem at once, located."""
    src = loaded.source
    if not isinstance(loaded.data, dict):
        raise MonctlError(
            [
                Diagnostic(
                    src.file,
                    1,
                    1,
                    "",
                    "E103",
                    "error",
                    f"a spec is a mapping with `version: 1` at the top, got {_describe(loaded.data)}",
                )
            ]
        )
    version = loaded.data.get("version")
    if version is not None and (type(version) is not int or version != 1):  # `true == 1` in Python
        line, col = src.locate(("version",))
        raise MonctlError(
            [
                Diagnostic(
                    src.file,
                    line,
                    col,
                    "version",
                    "E100",
                    "error",
                    f"unsupported spec version: {_describe(version)}; "
                    "this monctl reads version 1: write `version: 1`",
                )
            ]
        )
    secrets = secret_values(loaded)
    try:
        spec = Spec.model_validate(loaded.data)
    except ValidationError as exc:
        diagnostics = {_error_to_diagnostic(e, loaded) for e in exc.errors(include_url=False)}
        # report a secret once: a forbidden secret key (E110 naming its *_file) wins over its value's finding,
        # and a secret-bearing value wins over its field's own rule (e.g. no `@` in a url)
        secret_keys = {d.path for d in diagnostics if d.code == "E110"}
        secret_paths = {d.path for d in secrets}
        diagnostics = {d for d in diagnostics if d.code == "E110" or d.path not in secret_paths}
        diagnostics |= {d for d in secrets if d.path not in secret_keys}
        raise MonctlError(sorted(diagnostics)) from None
    if secrets:
        raise MonctlError(secrets)
    return spec
