"""Spec text into Markdown that cannot change the document's structure.

A runbook is read in a Markdown viewer (and often as HTML): a newline in a summary must not
start a heading, `<script>` must not become markup, a backtick in a label value must not end
its code span, `-->` in the environment must not close the header comment, and control bytes
must not land raw. Each filter renders one kind of place: inline text, a code span, a fenced
block, the header comment.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"[\s]+")
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|])")  # emphasis, code, links, tables, escapes
_LINE_START = re.compile(r"^([#+=~-]|\d+[.)])")  # a heading, list item or rule when it starts a line


def _clean(text: str) -> str:
    return _SPACE.sub(" ", _CONTROL.sub("", str(text))).strip()


def inline(text: object) -> str:
    """One line of literal text: no line breaks, no HTML, Markdown punctuation escaped."""
    cleaned = _clean(str(text))
    cleaned = cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    cleaned = _MARKDOWN_PUNCTUATION.sub(r"\\\1", cleaned)
    return _LINE_START.sub(
        lambda m: (
            "\\" + m.group(1) if not m.group(1)[0].isdigit() else m.group(1)[:-1] + "\\" + m.group(1)[-1]
        ),
        cleaned,
    )


def code(text: object) -> str:
    """An inline code span holding `text` exactly, whatever backticks it contains."""
    cleaned = _clean(str(text))
    longest = max((len(run) for run in re.findall(r"`+", cleaned)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if cleaned.startswith("`") or cleaned.endswith("`") or not cleaned else ""
    return f"{fence}{pad}{cleaned}{pad}{fence}"


def fence(text: object) -> str:
    """A backtick fence longer than any run of backticks at a line start inside `text`."""
    runs = re.findall(r"^\s*(`{3,})", str(text), flags=re.MULTILINE)
    return "`" * max([3, *(len(run) + 1 for run in runs)])


def block(text: object) -> str:
    """Text inside a fenced block: control bytes removed, lines kept."""
    return re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", "", str(text)).strip()


def comment(text: object) -> str:
    """Text inside `<!-- ... -->`: one line, no `--` (which would end or break the comment)."""
    cleaned = _clean(str(text))
    while "--" in cleaned:
        cleaned = cleaned.replace("--", "- -")
    return cleaned.replace(">", "&gt;")
