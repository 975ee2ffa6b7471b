"""The compiler's stages in order for every command: load -> parse -> resolve -> validate -> render / test."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, has_errors
from erpgo_monctl.load.files import Loaded
from erpgo_monctl.render import Files
from erpgo_monctl.resolve.model import Model

if TYPE_CHECKING:
    from erpgo_monctl.verify.testing import UnitTestResult


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
    """Parse, resolve and check one (base or merged) document."""
    from erpgo_monctl.load.parse import parse_spec
    from erpgo_monctl.resolve.model import resolve
    from erpgo_monctl.validate import run_checks

    model = resolve(parse_spec(loaded), loaded.source, env)
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


def render_model(model: Model, target: str = "compose") -> Files:
    """Every output file of `target` in memory, keyed by POSIX path relative to the output directory."""
    from erpgo_monctl.render.targets import render_target, target_named

    return render_target(model, target_named(target))


def run_unit_tests(model: Model, target: str = "compose") -> list[UnitTestResult]:
    """Render `model` for `target` into a fresh temporary directory and run its unit tests and route
    tests there (kubernetes: on the rule groups inside the PrometheusRules and the operator's merge)."""
    from erpgo_monctl.verify.kubernetes import run_kubernetes_tests
    from erpgo_monctl.verify.testing import run_route_tests, run_test_files
    from erpgo_monctl.verify.tools import require

    files = render_model(model, target)
    with tempfile.TemporaryDirectory(prefix="monctl-test-") as tmp:
        root = Path(tmp)
        for relative, content in files.items():
            destination = root / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(content)
        if target == "kubernetes":
            return run_kubernetes_tests(model, root)
        promtool = require("promtool")
        am = model.spec.alertmanager
        amtool = require("amtool") if am is not None and am.route_tests else ""
        results = run_test_files(model, root, promtool)
        if amtool:
            results += run_route_tests(model, root, amtool)
        return results


__all__ = ["MonctlError", "load_model", "render_model", "run_unit_tests"]
