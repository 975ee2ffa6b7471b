"""The compiler's front half: load -> parse -> resolve -> check, shared by every command."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, has_errors
from erpgo_monctl.load.files import Loaded
from erpgo_monctl.resolve.model import Model


def load_model(spec_path: Path, env: str | None = None) -> tuple[Model, list[Diagnostic]]:
    """A checked Model plus its warnings; raise MonctlError with every error found.

    With `env`, that environment's overlay is merged over the base between load
    and parse; without it, the base is checked and so is every declared overlay.
    """
    from erpgo_monctl.load.environments import apply_environment
    from erpgo_monctl.load.files import load_file
    from erpgo_monctl.load.include import resolve_includes

    loaded = resolve_includes(load_file(spec_path))  # before overlays: they may change included items
    if env is None:
        model, findings = _checked(loaded, None)
        overlay_errors = _environment_errors(loaded)
        if overlay_errors:
            raise MonctlError(overlay_errors)
        return model, findings
    overlaid = apply_environment(loaded, env)
    try:
        return _checked(overlaid.loaded, env)
    except MonctlError as exc:
        raise type(exc)(overlaid.relocate(exc.diagnostics)) from None


def _checked(loaded: Loaded, env: str | None) -> tuple[Model, list[Diagnostic]]:
    """Parse and check one (base or merged) document."""
    from erpgo_monctl.load.parse import parse_spec
    from erpgo_monctl.validate import run_checks

    spec = parse_spec(loaded)
    model = Model(spec, loaded.source, env=env)
    findings = run_checks(model)
    if has_errors(findings):
        raise MonctlError(findings)
    return model, findings


def _environment_errors(loaded: Loaded) -> list[Diagnostic]:
    """Errors of every non-empty overlay over a valid base (their warnings would repeat the base's)."""
    from erpgo_monctl.load.environments import apply_environment, environment_names

    errors: set[Diagnostic] = set()
    for name in environment_names(loaded):
        if not loaded.data["environments"][name]:
            continue
        try:
            overlaid = apply_environment(loaded, name)
        except MonctlError as exc:
            errors.update(exc.diagnostics)
            continue
        try:
            _checked(overlaid.loaded, name)
        except MonctlError as exc:
            errors.update(d for d in overlaid.relocate(exc.diagnostics) if d.severity == "error")
    return sorted(errors)


# Render targets (`monctl render --target NAME`); compose is the default.
RENDER_TARGETS = ("compose", "kubernetes")


def render_model(model: Model, target: str = "compose") -> dict[PurePosixPath, bytes]:
    """Every output file of `target` in memory, keyed by POSIX path relative to the output directory."""
    from erpgo_monctl.diagnostics import UsageError

    if target == "kubernetes":
        from erpgo_monctl.render.kubernetes import render as render_kubernetes

        return render_kubernetes(model)
    if target != "compose":
        raise UsageError(f"--target {target!r}: use one of {', '.join(RENDER_TARGETS)}")
    from erpgo_monctl.render import render_all

    return render_all(model)


__all__ = ["RENDER_TARGETS", "MonctlError", "load_model", "render_model"]
