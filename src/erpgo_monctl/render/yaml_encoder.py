"""Deterministic, readable YAML for generated configs.

A small emitter for the plain data renderers build (dict, list, str, int,
float, bool, None). Keys keep the order the renderer chose; strings are
plain only when every YAML 1.1 and 1.2 reader (Go's yaml.v2 in Prometheus
and Alertmanager included) reads them back as the same string, block
literals for multi-line text, JSON-style double quotes otherwise. It is
about 30x faster than ruamel's emitter on large rule files (see README).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from json.encoder import encode_basestring
from typing import Any

_PLAIN = re.compile(r"[A-Za-z_/$][A-Za-z0-9_./:@$+-]*(?: [A-Za-z0-9_./@$+(){}-]+)*")
_DURATION = re.compile(r"(?:[0-9]+(?:ms|[smhdwy]))+")
_YAML11_SPECIAL = {
    "y",
    "n",
    "yes",
    "no",
    "on",
    "off",
    "true",
    "false",
    "null",
    "~",
}


# U+2028/U+2029 are line breaks to YAML 1.1 readers (PyYAML, Go's yaml.v2): never raw
_SINGLE_SAFE = re.compile(r"[\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufefe]*")


class Commented(dict[str, Any]):
    """A mapping emitted with a `# comment` line above it (e.g. where an imported item came from)."""

    comment: str = ""


def _comment_line(item: Any, indent: str) -> str:
    return f"\n{indent}# {item.comment}" if type(item) is Commented and item.comment else ""


def _quote(text: str) -> str:
    """'single' quotes when the text needs no escapes (readable matchers), else JSON-style double."""
    if (
        "'" not in text
        and _SINGLE_SAFE.fullmatch(text)
        and not text.startswith(" ")
        and not text.endswith(" ")
    ):
        return f"'{text}'"
    # encode_basestring is what json.dumps(text, ensure_ascii=False) returns, minus its overhead
    return _NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", encode_basestring(text))


# characters YAML does not allow raw in a document, and U+2028/U+2029 that YAML 1.1 reads as line
# breaks (escaped inside double quotes)
_NON_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _scalar(value: Any) -> str:
    if isinstance(value, str):  # by far the most frequent
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        if "e" in text and "." not in text:
            mantissa, exponent = text.split("e")
            text = f"{mantissa}.0e{exponent}"  # YAML 1.1 floats need a dot
        return text
    raise TypeError(f"cannot emit {type(value).__name__} as YAML")


@lru_cache(maxsize=1 << 16)  # rule files repeat their keys and label values thousands of times
def _string(value: str) -> str:
    if _DURATION.fullmatch(value) or (
        _PLAIN.fullmatch(value)
        and value.lower() not in _YAML11_SPECIAL
        and not value.endswith(":")
        and ": " not in value
    ):
        return value
    return _quote(value)


def _block_literal(text: str, indent: str) -> str | None:
    """`|` / `|-` block for multi-line text, or None when a block cannot hold it exactly."""
    if "\n" not in text.rstrip("\n") or "\r" in text or _NON_PRINTABLE.search(text):
        return None
    lines = text.split("\n")
    body = lines[:-1] if text.endswith("\n") else lines
    if text.endswith("\n\n") or not body or body[0][:1] in (" ", "\t"):
        return None
    if any(line != line.rstrip(" \t") for line in body):
        return None
    chomp = "|" if text.endswith("\n") else "|-"
    inner = indent + "  "
    return chomp + "".join("\n" + (inner + line if line else "") for line in body)


def _emit(value: Any, indent: str, out: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            out.append(" {}")
            return
        for key, item in value.items():
            if type(item) is Commented:
                out.append(_comment_line(item, indent))
            out.append(f"\n{indent}{_scalar(str(key))}:")
            _emit_child(item, indent, out, in_list=False)
    elif isinstance(value, list):
        if not value:
            out.append(" []")
            return
        for item in value:
            if type(item) is Commented:
                out.append(_comment_line(item, indent))
            out.append(f"\n{indent}-")
            _emit_child(item, indent, out, in_list=True)
    else:
        out.append(" " + _scalar(value))


def _emit_child(item: Any, indent: str, out: list[str], *, in_list: bool) -> None:
    child_indent = indent + "  "
    if isinstance(item, dict) and item:
        if in_list:
            # first key on the dash line: "- key: value"
            first = True
            for key, sub in item.items():
                out.append((" " if first else f"\n{child_indent}") + f"{_scalar(str(key))}:")
                _emit_child(sub, child_indent, out, in_list=False)
                first = False
        else:
            _emit(item, child_indent, out)
    elif isinstance(item, list) and item:
        _emit(item, indent if not in_list else child_indent, out)
    elif isinstance(item, str):
        block = _block_literal(item, indent if not in_list else child_indent) if "\n" in item else None
        out.append(" " + (block if block is not None else _string(item)))
    elif isinstance(item, dict | list):
        _emit(item, child_indent, out)  # empty: {} or []
    else:
        out.append(" " + _scalar(item))


def dump_yaml(data: Any, header: str | None = None) -> str:
    """Dump `data` as YAML text with an optional comment header; ends with a newline."""
    out: list[str] = []
    if isinstance(data, dict | list) and data:
        _emit(data, "", out)
        text = "".join(out).lstrip("\n")
    else:
        text = (
            _scalar(data) if not isinstance(data, dict | list) else ("{}" if isinstance(data, dict) else "[]")
        )
    prefix = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines()) if header else ""
    return prefix + text + "\n"
