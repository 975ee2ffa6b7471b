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
    """Parse, resolve and check one (base or merged) document."""
    from erpgo_monctl.load.parse import parse_spec
    from erpgo_monctl.resolve.model import resolve
    from erpgo_monctl.validate import run_checks

    model = resolve(parse_spec(loaded), loaded.source, env)
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
        amtool = require("amtool") if model.spec.alertmanager.route_tests else ""
        results = run_test_files(model, root, promtool)
        if amtool:
            results += run_route_tests(model, root, amtool)
        return results


__all__ = ["MonctlError", "load_model", "render_model", "run_unit_tests"]
