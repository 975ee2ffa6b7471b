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
        overlay_findings = _environment_findings(loaded, findings)
        if has_errors(overlay_findings):
            raise MonctlError(findings + overlay_findings)
        return model, sorted(findings + overlay_findings)
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


def _environment_findings(loaded: Loaded, base: list[Diagnostic]) -> list[Diagnostic]:
    """What each non-empty overlay adds over a valid base: its errors, and warnings the base has not.

    A finding on a value the overlay set is located there already (relocate); one the overlay
    causes elsewhere (a staging `retention: 7d` shorter than a base SLO's window) is located at
    the overlay and names the base path, so `monctl validate` shows what `--env` would.
    """
    from erpgo_monctl.load.environments import apply_environment, environment_names

    seen = {(d.code, d.path, d.message) for d in base}
    found: set[Diagnostic] = set()
    for name in environment_names(loaded):
        if not loaded.data["environments"][name]:
            continue
        try:
            overlaid = apply_environment(loaded, name)
        except MonctlError as exc:
            found.update(exc.diagnostics)
            continue
        try:
            _, diagnostics = _checked(overlaid.loaded, name)
        except MonctlError as exc:
            diagnostics = exc.diagnostics
        for diag in overlaid.relocate(diagnostics):
            if (diag.code, diag.path, diag.message) not in seen:
                found.add(_in_overlay(loaded, name, diag))
    return sorted(found)


def _in_overlay(loaded: Loaded, env: str, diag: Diagnostic) -> Diagnostic:
    """`diag` as the overlay `env` causes it: kept where the overlay set a value, else at the overlay."""
    if diag.path.startswith(f"environments.{env}") or loaded.source is None:
        return diag
    file, line, column = loaded.source.where(("environments", env), key=True)
    message = (
        f"with --env {env}: {diag.path}: {diag.message}" if diag.path else f"with --env {env}: {diag.message}"
    )
    return Diagnostic(file, line, column, f"environments.{env}", diag.code, diag.severity, message)


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
