"""Renderers: one module per output, each `render(model) -> Files`; targets group them (targets.py).

This module holds only the shared types, so renderer modules can import it without a cycle.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Protocol

from erpgo_monctl.resolve.model import Model

Files = dict[PurePosixPath, bytes]


class Renderer(Protocol):
    def __call__(self, model: Model) -> Files: ...
