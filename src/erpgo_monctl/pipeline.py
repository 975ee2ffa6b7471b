"""The compiler's front half: load -> parse -> resolve -> check, shared by every command."""

from __future__ import annotations

from pathlib import Path

from erpgo_monctl.errors import Diagnostic, MonctlError, UsageError, has_errors
from erpgo_monctl.model import Model


def load_model(spec_path: Path, env: str | None = None) -> tuple[Model, list[Diagnostic]]:
    """A checked Model plus its warnings; raise MonctlError with every error found."""
    from erpgo_monctl.checks import run_checks
    from erpgo_monctl.spec.load import load_file
    from erpgo_monctl.spec.parse import parse_spec

    loaded = load_file(spec_path)
    spec = parse_spec(loaded)
    if env is not None and env not in spec.environments and env != spec.environment:
        known = ", ".join(sorted(spec.environments)) or "none declared"
        raise UsageError(f"unknown environment {env!r} (environments: {known})")
    model = Model(spec, loaded.source, env=env)
    findings = run_checks(model)
    if has_errors(findings):
        raise MonctlError(findings)
    return model, findings


def render_model(model: Model) -> dict[Path, bytes]:
    """Every output file in memory, keyed by path relative to the output directory."""
    from erpgo_monctl.render import render_all

    return {Path(p): b for p, b in render_all(model).items()}


__all__ = ["MonctlError", "load_model", "render_model"]
