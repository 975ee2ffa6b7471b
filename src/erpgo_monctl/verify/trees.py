"""`monctl check DIR`: which target rendered the tree decides which checkers run on it."""

from __future__ import annotations

from pathlib import Path

from erpgo_monctl.verify.kubernetes import check_kubernetes_tree, is_kubernetes_tree
from erpgo_monctl.verify.tools import CheckResult, check_tree


def check_output(directory: Path) -> list[CheckResult]:
    """Every checker that applies to a rendered output directory (compose or kubernetes)."""
    if is_kubernetes_tree(directory):
        return check_kubernetes_tree(directory)
    return check_tree(directory)
