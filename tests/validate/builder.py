"""Build specs for check tests: tests/validate/minimal.yaml as data, mutated, then loaded and checked."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.load.files import load_text
from erpgo_monctl.load.parse import parse_spec
from erpgo_monctl.resolve.model import Model, resolve
from erpgo_monctl.validate import Context, run_checks

MINIMAL = Path(__file__).resolve().parent / "minimal.yaml"
_BASE: dict[str, Any] = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))


def minimal() -> dict[str, Any]:
    """A fresh copy of the minimal spec's data."""
    return copy.deepcopy(_BASE)


def model(data: dict[str, Any]) -> Model:
    """The Model of `data`, loaded from YAML text so diagnostics carry real lines."""
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    loaded = load_text(text, "spec.yaml")
    return resolve(parse_spec(loaded), loaded.source)


def findings(data: dict[str, Any]) -> list[Diagnostic]:
    """Every check's findings for `data`."""
    return run_checks(model(data))


def context(data: dict[str, Any]) -> Context:
    return Context(model(data))


def codes(found: list[Diagnostic]) -> list[str]:
    return [d.code for d in found]


def alert(name: str, expr: str, severity: str = "warning", **extra: Any) -> dict[str, Any]:
    """An alerting rule with the required text filled in."""
    return {
        "alert": name,
        "expr": expr,
        "severity": severity,
        "summary": f"{name} fired",
        "description": f"{name} fired.",
        **extra,
    }
