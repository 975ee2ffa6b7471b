"""Shared field types of the spec: durations, slugs, label maps, secret-file references."""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Discriminator, Field

from erpgo_monctl.analysis.confusables import invisible
from erpgo_monctl.analysis.regex import re2_problem

# A Prometheus duration (common/model.ParseDuration): units in this order, each at most once.
DURATION_RE = re.compile(
    r"(?=[0-9])(?:[0-9]+y)?(?:[0-9]+w)?(?:[0-9]+d)?(?:[0-9]+h)?(?:[0-9]+m(?!s))?(?:[0-9]+s)?(?:[0-9]+ms)?"
)
_ANY_DURATION_RE = re.compile(r"(?:[0-9]+(?:ms|[smhdwy]))+")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}
_UNIT_MS = {unit: round(seconds * 1000) for unit, seconds in _UNIT_SECONDS.items()}
_PART_RE = re.compile(r"([0-9]+)(ms|[smhdwy])")
MAX_DURATION_NS = (1 << 63) - 1  # Go's time.Duration: about 292 years
LABEL_NAME_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
SLUG_RE = re.compile(r"[a-z][a-z0-9-]*")
_ACTION_RE = re.compile(r"\{\{.*?(?:\}\}|$)", re.DOTALL)
HTTP_URL_RE = re.compile(r"https?://[^/?#\s]", re.IGNORECASE)


class Strict(BaseModel):
    """Base of every spec model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


def duration_seconds(text: str) -> float:
    """Seconds in a Prometheus duration such as `1h30m`."""
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in _PART_RE.findall(text))


def duration_ms(text: str) -> int:
    """Milliseconds in a duration, exactly."""
    return sum(int(n) * _UNIT_MS[u] for n, u in _PART_RE.findall(text))


def _check_duration(value: str) -> str:
    if not DURATION_RE.fullmatch(value):
        if _ANY_DURATION_RE.fullmatch(value):
            raise ValueError(
                f"{value!r} is not a Prometheus duration: write the units in the order "
                "y, w, d, h, m, s, ms, each once (e.g. 1h30m, not 30m1h)"
            )
        raise ValueError(f"{value!r} is not a duration (e.g. 30s, 5m, 1h30m, 30d)")
    if duration_ms(value) * 1_000_000 > MAX_DURATION_NS:
        raise ValueError(f"{value!r} is out of range: a Prometheus duration is at most about 292 years")
    return value


def _check_nonzero_duration(value: str) -> str:
    if duration_ms(_check_duration(value)) == 0:
        raise ValueError(f"{value!r}: this interval cannot be zero (e.g. 30s, 5m)")
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


def _check_annotation_names(value: dict[str, str]) -> dict[str, str]:
    for key in value:
        if not LABEL_NAME_RE.fullmatch(key):
            raise ValueError(f"{key!r} is not a valid annotation name: annotation names are label names")
    return value


def _check_http_url(value: str) -> str:
    literal = _ACTION_RE.sub("", value)  # template actions may hold spaces: {{ $labels.job }}
    if not HTTP_URL_RE.match(value) or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in literal):
        raise ValueError(f"{value!r} is not an http(s) URL: write https://host/path (no spaces)")
    return value


def _check_regex(value: str) -> str:
    problem = re2_problem(value)
    if problem:
        raise ValueError(f"{value!r}: {problem}")
    return value


def _check_finite(value: float) -> float:
    if math.isnan(value) or math.isinf(value):
        raise ValueError(
            f"{value!r} is not a finite number (JSON and Prometheus have no .inf/.nan here; "
            "numbers beyond about 1.8e308 are infinite): write a finite number"
        )
    return value


def _check_visible_name(value: str) -> str:
    char = invisible(value)
    if char is not None:
        raise ValueError(
            f"{value!r} holds the invisible or direction-changing character U+{ord(char):04X}: "
            "remove it (a name must read the same everywhere it is shown)"
        )
    return value


def _check_slug(value: str) -> str:
    if not SLUG_RE.fullmatch(value):
        raise ValueError(f"{value!r} is not a slug: use lower case letters, digits and '-' (e.g. orders-api)")
    return value


# a DNS name, an IPv4 address, or a bracketed IPv6 address: what Go's net/url takes as a host
HOST_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")


_SERVER_URL_RE = re.compile(r"(?i:https?)://(\[[^]]*\]|[^/?#:]*)(?::([^/?#]*))?([/?#].*)?", re.DOTALL)
SERVER_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^\s@]+$"


def _check_server_url(value: str) -> str:
    found = _SERVER_URL_RE.fullmatch(value)
    host, port, rest = found.groups() if found else ("", None, None)
    if (
        not found
        or not HOST_RE.fullmatch(host)
        or (port is not None and not (port.isdigit() and 0 < int(port) < 65536))
        or any(c.isspace() or ord(c) < 32 or ord(c) == 127 or c == "@" for c in rest or "")
        or re.search(r"%(?![0-9A-Fa-f]{2})", rest or "")
    ):
        raise ValueError(
            f"{value!r} is not an http(s) URL the server can use: write http(s)://host[:port]/path "
            "(a port from 1 to 65535, no spaces, % followed by two hex digits)"
        )
    return value


def _check_hostport(value: str) -> str:
    host, sep, port = value.rpartition(":")
    if not sep or not HOST_RE.fullmatch(host) or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{value!r} is not host:port (e.g. api:8080)")
    return value


def _check_metrics_path(value: str) -> str:
    if not value.startswith("/") or any(c.isspace() or ord(c) < 32 or ord(c) in (35, 63, 127) for c in value):
        raise ValueError(
            f"{value!r} is not an absolute URL path: write it as /metrics (no spaces; query "
            "parameters go in `params:`)"
        )
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
# an interval the server refuses as zero (repeat_interval, group_interval, scrape and test intervals)
Interval = Annotated[
    str, AfterValidator(_check_nonzero_duration), Field(json_schema_extra={"pattern": DURATION_RE.pattern})
]
LabelName = Annotated[str, AfterValidator(_check_label_name)]
LabelMap = Annotated[dict[str, str], AfterValidator(_check_label_map)]
# annotations: values are text (templates), names are label names (promtool refuses others)
AnnotationMap = Annotated[dict[str, str], AfterValidator(_check_annotation_names)]
# a link a human opens (runbook_url): http or https only, never javascript: or file:
HttpURL = Annotated[str, AfterValidator(_check_http_url)]
# labels of a test alert: any valid label name, `__` ones included (a key `--help` never reaches amtool)
LabelSet = Annotated[dict[str, str], AfterValidator(_check_label_keys)]
Slug = Annotated[str, AfterValidator(_check_slug)]
# a free-form name people read (receivers): no invisible or bidi characters
VisibleName = Annotated[str, AfterValidator(_check_visible_name)]
# a regular expression a Go server compiles (Loki/Alloy/Promtail stages): RE2 syntax
Regex = Annotated[str, AfterValidator(_check_regex)]
HostPort = Annotated[str, AfterValidator(_check_hostport)]
# a URL a Go server sends to (webhooks, remote_write): parsed as net/url would, http(s) only
ServerURL = Annotated[
    str, AfterValidator(_check_server_url), Field(json_schema_extra={"pattern": SERVER_URL_PATTERN})
]
# the path Prometheus scrapes on a target, joined to scheme://host:port
MetricsPath = Annotated[
    str, AfterValidator(_check_metrics_path), Field(json_schema_extra={"pattern": r"^/[^\s?#]*$"})
]
# a number that must stay a real number in every output (dashboard JSON, PromQL, test files)
Finite = Annotated[float, AfterValidator(_check_finite)]
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
