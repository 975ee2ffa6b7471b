"""The one jinja2 set-up for text artifacts (runbooks, Alloy config): strict, no escaping, compiled once."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any


@cache
def load_template(name: str, **filters: Callable[..., str]) -> Any:
    """A compiled template from the erpgo_monctl.templates package; undefined names are errors."""
    from importlib.resources import files

    import jinja2

    environment = jinja2.Environment(
        autoescape=False,  # Markdown and Alloy text, never HTML
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(filters)
    text = files("erpgo_monctl.templates").joinpath(name).read_text(encoding="utf-8")
    return environment.from_string(text)
