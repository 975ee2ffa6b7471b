"""Environment overlays: merge `environments.<name>` over the base spec, keeping every source position.

An overlay is a partial spec. Mappings merge key by key; lists of named items
(LIST_KEYS) merge item by item, each overlay item naming the base item it
changes by its key fields; every other value replaces the base's. The merged
document gets its own SourceMap in which every value the overlay set points
into the overlay, so the errors parse_spec and the checks find later land on
the line the user wrote.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, UsageError, format_path
from erpgo_monctl.diagnostics.source import Locator, PathKey, SourceMap
from erpgo_monctl.load.files import Loaded
from erpgo_monctl.load.positions import graft
from erpgo_monctl.load.shape import annotation_at, field_names

ENVIRONMENTS = "environments"
DEFAULT_ENVIRONMENT = "production"

# Keys an overlay cannot set, and why.
FIXED_KEYS = {
    "version": "an overlay cannot change the spec version",
    "environment": "the environment's name is set from its key under `environments:`",
    "environments": "overlays do not nest: declare every environment at the top level",
    "include": "list included files in the base spec; overlays change what the base already has",
}

# List path (item indexes as "*") -> the fields that name one of its items.
LIST_KEYS: dict[tuple[str, ...], tuple[str, ...]] = {
    ("services",): ("name",),
    ("exporters",): ("name",),
    ("metrics",): ("name",),
    ("recording_rules",): ("name",),
    ("recording_rules", "*", "rules"): ("record",),
    ("alerts",): ("name",),
    ("alerts", "*", "rules"): ("alert", "severity"),
    ("slos",): ("name",),
    ("prometheus", "remote_write"): ("name", "url"),
    ("alertmanager", "receivers"): ("name",),
    ("dashboards",): ("uid", "title"),
    ("dashboards", "*", "panels"): ("title",),
    ("logging", "jobs"): ("name",),
    ("incidents", "levels"): ("name",),
    ("incidents", "workflow"): ("name",),
}
# Naming fields after the first that an overlay may change when the first names one item alone
# (staging's most common difference: the same alert, not paging).
CHANGEABLE_KEYS = {("alert", "severity")}
ROUTE_KEYS = ("receiver", "matchers")  # alertmanager.route.routes, at every depth of the tree
_ROUTES = ("alertmanager", "route", "routes")


def list_key_fields(path: PathKey) -> tuple[str, ...] | None:
    """The fields naming an item of the list at `path`; None when the list is replaced whole."""
    shape = tuple("*" if isinstance(part, int) else part for part in path)
    if shape[:3] == _ROUTES and shape[-1] == "routes":
        return ROUTE_KEYS
    return LIST_KEYS.get(shape)


def environment_names(loaded: Loaded) -> list[str]:
    """The environments a loaded spec declares, sorted (none when `environments:` is malformed)."""
    declared = loaded.data.get(ENVIRONMENTS) if isinstance(loaded.data, dict) else None
    return sorted(str(name) for name in declared) if isinstance(declared, dict) else []


@dataclass
class Overlaid:
    """One environment's merged document, and how to name its diagnostics the way the overlay spells them."""

    loaded: Loaded
    moves: list[tuple[str, str]]  # (merged path, overlay path) of every value the overlay set, as text

    def relocate(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        """Rewrite merged paths the overlay set (`services[0].targets`) as overlay paths."""
        result = []
        for diag in diagnostics:
            best = ("", "")
            for merged, overlay in self.moves:
                inside = diag.path == merged or diag.path.startswith((merged + ".", merged + "["))
                if inside and len(merged) > len(best[0]):
                    best = (merged, overlay)
            if best[0]:
                diag = dataclasses.replace(diag, path=best[1] + diag.path[len(best[0]) :])
            result.append(diag)
        return sorted(set(result))


def apply_environment(loaded: Loaded, env: str) -> Overlaid:
    """The base spec with environment `env` merged over it, `environment: env` set and `environments` dropped.

    Raises UsageError for an environment the spec does not declare, MonctlError
    (located in the overlay) for overlay keys or items the base does not have.
    """
    data, source = loaded.data, loaded.source
    declared = data.get(ENVIRONMENTS) if isinstance(data, dict) else None
    if not isinstance(data, dict) or (declared is not None and not isinstance(declared, dict)):
        return Overlaid(loaded, [])  # parse_spec reports the malformed document where it stands
    declared = declared or {}
    root: PathKey = (ENVIRONMENTS, env)
    if env in declared:
        overlay = declared[env]
    elif env == data.get("environment", DEFAULT_ENVIRONMENT):
        overlay, root = {}, ()  # the base itself is this environment
    else:
        known = ", ".join(sorted(declared)) or "none declared"
        where = (ENVIRONMENTS,) if declared else ()
        message = f"unknown environment {env!r}: --env takes one of the spec's environments ({known})"
        raise UsageError([Locator(source).diag(where, "E126", message, key=True, shown="")])
    if not isinstance(overlay, dict):
        message = "an environment is a mapping of the spec keys it changes (write `{}` for none)"
        raise MonctlError([Locator(source).diag(root, "E125", message)])
    merger = _Merger(source, root)
    for key in sorted(FIXED_KEYS.keys() & overlay.keys()):
        merger.fail(
            (*root, key), "E125", f"`{key}` cannot be set in an environment: {FIXED_KEYS[key]}", key=True
        )
    body = {key: value for key, value in overlay.items() if key not in FIXED_KEYS}
    base = {key: value for key, value in data.items() if key != ENVIRONMENTS}
    merged = merger.mapping(base, body, (), root)
    if merger.problems:
        raise MonctlError(merger.problems)
    merged["environment"] = env
    merged_source = _merged_source(source, merger.moves)
    if root:
        merged_source.values[("environment",)] = source.locate(root)
        merged_source.keys[("environment",)] = source.locate(root, key=True)
    moves = [(format_path(at), format_path(frm)) for at, frm in merger.moves]
    return Overlaid(Loaded(merged, merged_source), moves)


class _Merger:
    """Merges one overlay into the base, collecting located problems and the paths the overlay set."""

    def __init__(self, source: SourceMap, root: PathKey) -> None:
        self.source = source
        self.root = root
        self.problems: list[Diagnostic] = []
        self.moves: list[tuple[PathKey, PathKey]] = []  # (merged path, overlay path)

    def fail(self, where: PathKey, code: str, message: str, *, key: bool = False) -> None:
        self.problems.append(Locator(self.source).diag(where, code, message, key=key))

    def merge(self, base: Any, over: Any, at: PathKey, frm: PathKey) -> Any:
        if isinstance(base, dict) and isinstance(over, dict):
            return self.mapping(base, over, at, frm)
        if isinstance(base, list) and isinstance(over, list):
            fields = list_key_fields(at)
            if fields and all(isinstance(item, dict) for item in base):
                return self.items(base, over, at, frm, fields)
        return self.take(over, at, frm)

    def take(self, over: Any, at: PathKey, frm: PathKey) -> Any:
        self.moves.append((at, frm))
        return copy.deepcopy(over)

    def mapping(
        self, base: dict[str, Any], over: dict[str, Any], at: PathKey, frm: PathKey
    ) -> dict[str, Any]:
        result = dict(base)
        for key, value in over.items():
            here, there = (*at, key), (*frm, key)
            if key in base:
                result[key] = self.merge(base[key], value, here, there)
            elif value == [] and (fields := list_key_fields(here)):
                self._empty(here, there, fields)  # the base has none: the empty list changes nothing
            elif _allows_key(at, key):
                result[key] = self.take(value, here, there)
            else:
                self._unknown_key(base, at, key, there)
        return result

    def _empty(self, at: PathKey, frm: PathKey, fields: tuple[str, ...]) -> None:
        self.fail(
            frm,
            "E127",
            f"an empty list changes nothing here: {format_path(at)} merges item by item "
            f"(each item named by {' and/or '.join(f'`{f}`' for f in fields)}) and cannot be "
            "emptied or replaced by an environment; name the items to change, or remove items "
            "in the base spec",
        )

    def _unknown_key(self, base: dict[str, Any], at: PathKey, key: str, there: PathKey) -> None:
        model = annotation_at(at)
        known = (
            field_names(model) if isinstance(model, type) and issubclass(model, BaseModel) else sorted(base)
        )
        guess = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean {guess[0]!r}?" if guess else f"; known keys: {', '.join(known)}"
        self.fail(there, "E120", f"unknown key {key!r}: the spec has no such key here{hint}", key=True)

    def items(
        self, base: list[Any], over: list[Any], at: PathKey, frm: PathKey, fields: tuple[str, ...]
    ) -> list[Any]:
        result = list(base)
        if not over:  # `exporters: []` would otherwise change nothing, silently
            self._empty(at, frm, fields)
            return result
        claimed: dict[int, PathKey] = {}
        for j, item in enumerate(over):
            there = (*frm, j)
            index = self._match(base, item, at, there, fields)
            if index is None:
                continue
            if index in claimed:
                line, _ = self.source.locate(claimed[index])
                self.fail(
                    there,
                    "E124",
                    f"this item changes the same base item as the one at line {line}: merge the two",
                )
                continue
            claimed[index] = there
            # naming fields that matched select; one that differs is a change (an alert's severity)
            changes = {
                key: value
                for key, value in item.items()
                if key not in fields or base[index].get(key) != value
            }
            result[index] = self.mapping(base[index], changes, (*at, index), there)
        return result

    def _match(
        self, base: list[dict[str, Any]], item: Any, at: PathKey, there: PathKey, fields: tuple[str, ...]
    ) -> int | None:
        """The index of the one base item the overlay item names by its key fields."""
        spelled = " and/or ".join(f"`{field}`" for field in fields)
        given = [field for field in fields if isinstance(item, dict) and field in item]
        if not given:
            self.fail(
                there,
                "E122",
                f"an item of {format_path(at)} in an environment names the base item it "
                f"changes by {spelled}: add it (the list itself cannot be replaced here)",
            )
            return None
        found = [
            i
            for i, candidate in enumerate(base)
            if all(field in candidate and candidate[field] == item[field] for field in given)
        ]
        if len(found) == 1:
            return found[0]
        if not found and fields in CHANGEABLE_KEYS and fields[0] in given:
            # `{alert: X, severity: warning}` for an alert that exists once: a new severity, not a selector
            by_name = [i for i, candidate in enumerate(base) if candidate.get(fields[0]) == item[fields[0]]]
            if len(by_name) == 1:
                return by_name[0]
        named = ", ".join(f"{field} {item[field]!r}" for field in given)
        if found:
            missing = [field for field in fields if field not in given]
            advice = (
                f"add {' or '.join(f'`{field}`' for field in missing)} to choose one"
                if missing
                else "the base is ambiguous: make those items distinct there"
            )
            self.fail(
                (*there, given[0]), "E123", f"{len(found)} items of {format_path(at)} have {named}: {advice}"
            )
            return None
        known = sorted({str(candidate[given[0]]) for candidate in base if given[0] in candidate})
        guess = difflib.get_close_matches(str(item[given[0]]), known, n=1)
        hint = f"did you mean {guess[0]!r}? " if guess else (f"known: {', '.join(known)}. " if known else "")
        self.fail(
            (*there, given[0]),
            "E121",
            f"no item of {format_path(at)} has {named}; {hint}"
            "An environment changes items of the base spec; add new items to the base",
        )
        return None


def _merged_source(base: SourceMap, moves: list[tuple[PathKey, PathKey]]) -> SourceMap:
    """Base positions, except that everything the overlay set points into the overlay."""
    replaced = {at for at, _ in moves}

    def keep(path: PathKey) -> bool:
        if path[:1] == (ENVIRONMENTS,):
            return False
        return not any(path[:n] in replaced for n in range(len(path) + 1))

    merged = SourceMap(base.file)
    merged.values = {path: pos for path, pos in base.values.items() if keep(path)}
    merged.keys = {path: pos for path, pos in base.keys.items() if keep(path)}
    merged.files = {path: name for path, name in base.files.items() if keep(path)}
    graft(merged, base, {frm: at for at, frm in moves})  # what the overlay set stands in the overlay
    return merged


def _allows_key(at: PathKey, key: str) -> bool:
    """Whether the schema has `key` in the mapping at `at` (free-form mappings allow any key)."""
    model = annotation_at(at)
    if isinstance(model, type) and issubclass(model, BaseModel):
        return any(key in (name, info.alias) for name, info in model.model_fields.items())
    return True
