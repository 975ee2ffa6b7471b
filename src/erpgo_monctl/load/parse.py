"""Loaded YAML -> validated Spec, with pydantic errors turned into located diagnostics."""

from __future__ import annotations

import difflib
import re
from typing import Any

from pydantic import ValidationError

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, format_path
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.load.files import Loaded
from erpgo_monctl.load.shape import Kind, field_names, members_at, model_at, user_path
from erpgo_monctl.spec.types import ONE_KIND_ERROR
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
    "api_key": "api_key_file",
    "client_secret": "client_secret_file",
    "credentials": "credentials_file",
    "secret": "an *_file field naming a file in the secrets directory",
}
# keys earlier versions accepted without effect -> what to do instead (still E101: they do nothing)
REMOVED_KEYS: dict[tuple[str, ...], str] = {
    ("tracing", "jaeger", key): f"`{key}` was never rendered and is gone: Jaeger v2 receives OTLP on "
    f"{port} inside its container whatever this said, and applications on the stack's network send to "
    f"jaeger:{port}; delete the line"
    for key, port in (("otlp_grpc_port", 4317), ("otlp_http_port", 4318))
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
_HOSTPORT_USERINFO_RE = re.compile(r"^\s*[^/@]+@[^/@]+:\d+\s*$")
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


def _unknown_key(key: str, loc: PathKey, kinds: dict[PathKey, Kind]) -> str:
    """E101's message: the closest known key, or the keys this mapping (this kind of it) has."""
    removed = REMOVED_KEYS.get(tuple(str(part) for part in loc))
    if removed:
        return removed
    kind = kinds.get(loc[:-1])
    member = kind.model if kind else model_at(loc[:-1])
    known = field_names(member) if member else []
    guess = difflib.get_close_matches(key, known, n=1)
    if not guess and kind is not None:
        if kind.discriminator and key in kind.all_keys():  # another kind's key (`content` on a stat panel)
            return (
                f"unknown key {key!r}: `{kind.discriminator}: {kind.tag}` has no {key!r}; "
                f"known keys: {', '.join(known)}"
            )
        guess = difflib.get_close_matches(key, kind.all_keys(), n=1)
    if guess:
        return f"unknown key {key!r}; did you mean {guess[0]!r}?"
    return f"unknown key {key!r}" + (f"; known keys: {', '.join(known)}" if known else "")


def _union_error(error: Any, loc: PathKey, loaded: Loaded, kinds: dict[PathKey, Kind]) -> list[Diagnostic]:
    """A mapping that names no kind of a tagged union, several, or an unknown one: what to write instead."""
    src = loaded.source
    value = error.get("input")
    kind = error["type"]
    if not isinstance(value, dict):
        line, col = src.locate(loc)
        return [
            Diagnostic(
                src.file_of(loc),
                line,
                col,
                format_path(loc),
                "E103",
                "error",
                f"expected a mapping, got {_describe(value)}",
            )
        ]
    if kind == ONE_KIND_ERROR:
        kinds_named = str(error["ctx"]["kinds"]).split(", ")
        allowed = {key for member in members_at(loc).values() for key in field_names(member)}
        unknown = [str(key) for key in value if str(key) not in allowed]
        if unknown:  # most likely a misspelt kind (`regx:`): say which key
            found = []
            for key in unknown:
                line, col = src.locate((*loc, key), key=True)
                guess = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = (
                    f"; did you mean {guess[0]!r}?"
                    if guess
                    else f"; known keys: {', '.join(sorted(allowed))}"
                )
                found.append(
                    Diagnostic(
                        src.file_of(loc),
                        line,
                        col,
                        format_path((*loc, key)),
                        "E101",
                        "error",
                        f"unknown key {key!r}{hint}",
                    )
                )
            return found
        named = [key for key in kinds_named if key in value]
        line, col = src.locate(loc)
        message = f"{error['msg']} (found {', '.join(named) or 'none'})"
        return [Diagnostic(src.file_of(loc), line, col, format_path(loc), "E105", "error", message)]
    field = str(error.get("ctx", {}).get("discriminator", "type")).strip("'")
    if kind == "union_tag_not_found":
        line, col = src.locate(loc)
        return [
            Diagnostic(
                src.file_of(loc),
                line,
                col,
                format_path((*loc, field)),
                "E102",
                "error",
                f"missing required key {field!r}",
            )
        ]
    tags = str(error.get("ctx", {}).get("expected_tags", ""))
    head, _, last = tags.rpartition(", ")
    line, col = src.locate((*loc, field))
    return [
        Diagnostic(
            src.file_of(loc),
            line,
            col,
            format_path((*loc, field)),
            "E104",
            "error",
            f"{_describe(value.get(field))} is not allowed; expected {f'{head} or {last}' if head else last}",
        )
    ]


def _error_to_diagnostic(error: Any, loaded: Loaded) -> list[Diagnostic]:
    loc, kinds = user_path(tuple(error["loc"]))
    kind = error["type"]
    src = loaded.source
    path = format_path(loc)
    if kind in (ONE_KIND_ERROR, "union_tag_not_found", "union_tag_invalid"):
        return _union_error(error, loc, loaded, kinds)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        line, col = src.locate(loc, key=True)
        if key in SECRET_KEYS:
            return [
                Diagnostic(
                    src.file_of(loc),
                    line,
                    col,
                    path,
                    "E110",
                    "error",
                    f"plain-text secret: `{key}` is not allowed; write {SECRET_KEYS[key]} naming a file "
                    "in the secrets directory instead",
                )
            ]
        return [Diagnostic(src.file_of(loc), line, col, path, "E101", "error", _unknown_key(key, loc, kinds))]
    return [_field_error(error, loc, loaded)]


def _field_error(error: Any, loc: PathKey, loaded: Loaded) -> Diagnostic:
    """A value's own problem: missing, wrong type, not allowed, rejected by its validator."""
    kind = error["type"]
    src = loaded.source
    path = format_path(loc)
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
    context = error.get("ctx", {})
    if kind == "literal_error":
        message = f"{_describe(value)} is not allowed; expected {context.get('expected', '')}"
    elif kind == "string_pattern_mismatch":
        message = f"{_describe(value)} does not match the required form {context.get('pattern', '')}"
    else:
        message = f"{message} (got {_describe(value)})"
    return Diagnostic(src.file_of(loc), line, col, path, "E104", "error", message)


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
        diagnostics = {d for e in exc.errors(include_url=False) for d in _error_to_diagnostic(e, loaded)}
        # report a secret once: a forbidden secret key (E110 naming its *_file) wins over its value's finding,
        # and a secret-bearing value wins over its field's own rule (e.g. no `@` in a url)
        secret_keys = {d.path for d in diagnostics if d.code == "E110"}
        secret_paths = {d.path for d in secrets}
        diagnostics = {d for d in diagnostics if d.code == "E110" or d.path not in secret_paths}
        diagnostics |= {d for d in secrets if d.path not in secret_keys}
        # `password: x` written instead of `password_file`: the E110 says what to write, no E102 besides
        wanted = {f"{path}_file" for path in secret_keys}
        diagnostics = {d for d in diagnostics if not (d.code == "E102" and d.path in wanted)}
        raise MonctlError(sorted(diagnostics)) from None
    if secrets:
        raise MonctlError(secrets)
    return spec
