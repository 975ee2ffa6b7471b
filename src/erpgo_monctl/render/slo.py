"""Placeholder until its issue lands: renders nothing."""

from __future__ import annotations

from erpgo_monctl.model import Model
from erpgo_monctl.render import Files


def render(model: Model) -> Files:
    return {}
