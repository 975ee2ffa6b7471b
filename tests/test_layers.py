"""The layers of ARCHITECTURE: each package imports only packages below it, and no module is in a cycle.

Imports inside functions count: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "erpgo_monctl"
PACKAGE = "erpgo_monctl"

# lowest first; a layer may import itself and anything to its left
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__init__", "data"),
    ("diagnostics",),
    ("analysis",),
    ("spec",),
    ("load",),
    ("resolve",),
    ("validate",),
    ("lint",),
    ("render",),
    ("write", "verify", "report", "starter"),
    ("importer",),
    ("pipeline",),
    ("cli", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}
# Layers not yet separated, as (importer module, imported module). Empty when the move is done.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()
# Cycles not yet broken. Empty when the move is done.
KNOWN_CYCLES: list[list[str]] = []


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def layer_of(module: str) -> str:
    return module.split(".")[0]


def imports_of(path: Path) -> set[str]:
    """Every erpgo_monctl module `path` imports, at any depth of the file."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
                target = ".".join([*base, node.module] if node.module else base)
            elif node.module and (node.module == PACKAGE or node.module.startswith(PACKAGE + ".")):
                target = node.module[len(PACKAGE) + 1 :]
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if _exists(sub) else target or "__init__")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith(PACKAGE + "."):
                    found.add(alias.name[len(PACKAGE) + 1 :])
    found.discard(module)
    return found


def _exists(module: str) -> bool:
    base = SRC.joinpath(*module.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(SRC.rglob("*.py"))}


def test_every_package_has_a_layer() -> None:
    assert {layer_of(m) for m in graph()} <= set(RANK)


def test_no_layer_imports_a_layer_above_it() -> None:
    upward = {
        (module, target)
        for module, targets in graph().items()
        for target in targets
        if RANK[layer_of(target)] > RANK[layer_of(module)]
        or (
            RANK[layer_of(target)] == RANK[layer_of(module)]
            and layer_of(target) != layer_of(module)
            and layer_of(module) not in ("cli", "__main__")
        )
    }
    assert upward - KNOWN_EXCEPTIONS == set(), "imports against the layers"
    assert KNOWN_EXCEPTIONS - upward == set(), "stale KNOWN_EXCEPTIONS: remove them"


def test_no_import_cycles() -> None:
    edges = graph()
    done: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str, stack: list[str]) -> None:
        for target in sorted(edges.get(node, set())):
            if target in stack:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in done:
                visit(target, [*stack, target])
        done.add(node)

    for start in sorted(edges):
        if start not in done:
            visit(start, [start])
    assert cycles == KNOWN_CYCLES


@pytest.mark.parametrize("layer", sorted(RANK))
def test_layer_table_names_real_packages(layer: str) -> None:
    assert _exists(layer) or layer == "__init__"
