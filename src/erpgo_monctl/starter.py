"""`monctl init [DIR]`: a small, commented starter spec that validates, renders and checks as it is.

It describes a generic system (one service, one alert, a webhook receiver), never ERPGo, so a new
user edits it into their own instead of deleting someone else's.
"""

from __future__ import annotations

import re
from pathlib import Path

from erpgo_monctl.diagnostics import UsageError

STARTER_FILE = "monitoring.yaml"
TEMPLATE = "starter-spec.yaml.j2"


def spec_name(directory: Path) -> str:
    """The spec's `name`: the directory's name as a slug, or `my-system` when it gives none."""
    slug = re.sub(r"[^a-z0-9]+", "-", directory.resolve().name.lower()).strip("-")
    slug = re.sub(r"^[^a-z]+", "", slug)
    return slug or "my-system"


def starter_text(directory: Path) -> str:
    from erpgo_monctl.render.templating import load_template

    text: str = load_template(TEMPLATE).render(name=spec_name(directory), file=STARTER_FILE)
    return text


def write_starter(directory: Path) -> Path:
    """Write DIR/monitoring.yaml; never overwrite a file that is already there."""
    target = directory / STARTER_FILE
    if target.exists():
        raise UsageError(
            f"{target} already exists: edit it, or run `monctl init` in another directory", "E016"
        )
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory} is not a directory: give the directory to write the spec into", "E016")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        target.write_text(starter_text(directory), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}", "E015") from None
    return target
