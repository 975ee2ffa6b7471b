"""`include:` — merge team-owned partial specs into the root spec, keeping every value's file and position.

An included file holds only team-owned sections (TEAM_SECTIONS, and a few alertmanager
lists); its lists are appended, in include order, after the including file's own items.
The merged document's SourceMap names, for every item that came from another file, that
file (SourceMap.files), so parse errors and checks land on the line the user wrote. Runs
between load and environment overlays: an overlay sees (and may change) included items.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, format_path
from erpgo_monctl.diagnostics.source import Locator, PathKey, SourceMap
from erpgo_monctl.load.files import Loaded, load_file
from erpgo_monctl.load.positions import graft
from erpgo_monctl.spec.team import INCLUDE, INFORMATIVE_KEYS, TEAM_SECTIONS

MAX_INCLUDE_DEPTH = 16  # root -> team -> sub-file ... deeper than this is a mistake, not a design
MAX_INCLUDED_FILES = 512  # every file is read once, so this bounds the work of one spec
MAX_WALK_ENTRIES = 20_000  # directory entries one glob may look at: a spec's tree, not a filesystem
MAX_WALK_DEPTH = 16  # directories `**` descends below where it stands

ROOT_ONLY_KEYS = (
    "environment",
    "prometheus",
    "logging",
    "tracing",
    "incidents",
    "stack",
    "environments",
    "lint",
)
_ROOT_ALERTMANAGER_KEYS = ("route", "smtp", "resolve_timeout", "slack_api_url_file")
_GLOB_CHARS = frozenset("*?[")


def _allowed(at: PathKey) -> list[str]:
    """The keys an included file may write in the mapping at `at` (top level or `alertmanager`)."""
    if at:
        return sorted(str(section[1]) for section in TEAM_SECTIONS if section[0] == at[0])
    return sorted({str(section[0]) for section in TEAM_SECTIONS} | set(INFORMATIVE_KEYS))


@dataclass
class _Resolver:
    """Reads a tree of included files depth first, each once, collecting located problems."""

    root_dir: str = "."  # the root spec's directory: every include stays inside its tree
    problems: list[Diagnostic] = field(default_factory=list)
    included_by: dict[Path, str] = field(default_factory=dict)  # resolved file -> include entry's place

    def fail(self, source: SourceMap, where: PathKey, code: str, message: str, *, key: bool = False) -> None:
        self.problems.append(Locator(source).diag(where, code, message, key=key))

    def resolve(self, loaded: Loaded, chain: list[tuple[Path, str]]) -> Loaded:
        """`loaded` (the last file of `chain`) with its includes merged in, recursively."""
        data, source = loaded.data, loaded.source
        entries = data.get(INCLUDE) if isinstance(data, dict) else None
        if not isinstance(entries, list) or not entries:
            return loaded  # absent, or malformed: parse_spec reports the latter where it stands
        merged = Loaded(dict(data), _copy_source(source))
        for index, entry in enumerate(entries):
            if not isinstance(entry, str):
                continue  # parse_spec: expected a string
            for display in self._expand(source, index, entry):
                child = self._read(source, index, display, chain)
                if child is not None:
                    _merge(merged, child, into_root=len(chain) == 1)
        return merged

    def _expand(self, source: SourceMap, index: int, entry: str) -> list[str]:
        """The files an include entry names, as paths relative to where monctl runs (sorted for globs)."""
        where: PathKey = (INCLUDE, index)
        base = os.path.dirname(source.file)
        pattern = os.path.normpath(os.path.join(base, entry))
        if not entry.strip():
            self.fail(source, where, "E140", "an include entry names a spec file or a glob (teams/*.yaml)")
            return []
        problem = self._outside(entry, pattern)
        if problem:
            self.fail(source, where, "E148", f"{entry!r}: {problem}")
            return []
        if _GLOB_CHARS & set(entry):
            try:
                matches = self._glob(pattern)
            except _WalkTooBig as exc:
                self.fail(source, where, "E149", f"{entry!r}: {exc}")
                return []
            if not matches:
                self.fail(
                    source,
                    where,
                    "E141",
                    f"{entry!r} matches no file (looked for {pattern}): fix the pattern or remove the entry",
                )
            return [os.path.normpath(p) for p in matches]
        if not os.path.exists(pattern):
            self.fail(
                source,
                where,
                "E142",
                f"included file {entry!r} not found (looked for {pattern}); "
                "include paths are relative to the including file's directory",
            )
            return []
        if not os.path.isfile(pattern):
            self.fail(
                source, where, "E142", f"{entry!r} is a directory: include files, or a glob ({entry}/*.yaml)"
            )
            return []
        return [pattern]

    def _outside(self, entry: str, pattern: str) -> str:
        """Why `entry` (normalized to `pattern`) may not be included, or ""."""
        if "\0" in entry:
            return "an include path cannot hold a NUL character"
        if os.path.isabs(entry) or entry.startswith("~"):
            return (
                "include paths are relative to the including file and stay inside the root "
                "spec's directory; absolute paths are refused"
            )
        if not _inside(os.path.abspath(pattern), os.path.abspath(self.root_dir)):
            return (
                f"points outside the root spec's directory ({self.root_dir or '.'}); "
                "keep included files inside its tree"
            )
        return ""

    def _glob(self, pattern: str) -> list[str]:
        """The files `pattern` matches, walked without following directory symlinks, bounded in entries."""
        parts = pattern.split(os.sep)
        first = next(i for i, part in enumerate(parts) if _GLOB_CHARS & set(part))
        start = os.sep.join(parts[:first]) or ("/" if pattern.startswith(os.sep) else ".")
        segments = parts[first:]
        found: set[str] = set()
        visited = 0
        todo: list[tuple[str, int, int]] = [(start, 0, 0)]  # directory, segment index, ** depth
        while todo:
            directory, at, depth = todo.pop()
            segment = segments[at]
            last = at == len(segments) - 1
            if segment == "**":
                if last:
                    continue  # `**` names directories; a file pattern must follow it
                todo.append((directory, at + 1, depth))
            if not _GLOB_CHARS & set(segment):
                path = os.path.join(directory, segment)
                if last and os.path.isfile(path):
                    found.add(os.path.normpath(path))
                elif not last and os.path.isdir(path):
                    todo.append((path, at + 1, depth))
                continue
            try:
                entries = list(os.scandir(directory))
            except OSError:
                continue
            visited += len(entries)
            if visited > MAX_WALK_ENTRIES:
                raise _WalkTooBig(
                    f"the glob looks at more than {MAX_WALK_ENTRIES:,} directory entries: "
                    "narrow it (teams/*.yaml) or move the spec into a directory of its own"
                )
            for item in entries:
                if item.name.startswith(".") and not segment.startswith("."):
                    continue  # like the shell: * and ** skip hidden names
                if segment == "**":
                    if item.is_dir(follow_symlinks=False) and depth < MAX_WALK_DEPTH:
                        todo.append((item.path, at, depth + 1))  # never through a symlink: no loops
                    continue
                if not fnmatch.fnmatchcase(item.name, segment):
                    continue
                if last and item.is_file():
                    found.add(os.path.normpath(item.path))
                elif not last and item.is_dir(follow_symlinks=False):
                    todo.append((item.path, at + 1, depth))
        return sorted(found)

    def _read(
        self, source: SourceMap, index: int, display: str, chain: list[tuple[Path, str]]
    ) -> Loaded | None:
        """One included file, checked to be a partial spec and with its own includes merged."""
        where: PathKey = (INCLUDE, index)
        real = Path(display).resolve()
        names = [name for _, name in chain]
        if not _inside(str(real), os.path.realpath(self.root_dir)):
            self.fail(
                source,
                where,
                "E148",
                f"{display} is a symbolic link to {real}, outside the root spec's directory: "
                "keep included files inside its tree",
            )
            return None
        if real in (path for path, _ in chain):
            cycle = " -> ".join([*names[[path for path, _ in chain].index(real) :], display])
            self.fail(source, where, "E143", f"include cycle: {cycle}: remove one of these includes")
            return None
        if len(chain) > MAX_INCLUDE_DEPTH:
            self.fail(
                source,
                where,
                "E144",
                f"includes nest more than {MAX_INCLUDE_DEPTH} deep ({' -> '.join([*names, display])}): "
                "include the files from fewer levels",
            )
            return None
        if real in self.included_by:
            self.fail(
                source,
                where,
                "E145",
                f"{display} is already included (at {self.included_by[real]}): include each file once "
                "(narrow the glob, or move sub-files out of its directory)",
            )
            return None
        if len(self.included_by) >= MAX_INCLUDED_FILES:
            self.fail(source, where, "E144", f"more than {MAX_INCLUDED_FILES} included files: merge some")
            return None
        file, line, column = source.where(where)
        self.included_by[real] = f"{file}:{line}:{column}"
        try:
            loaded = load_file(Path(display), display)
        except MonctlError as exc:  # syntax errors, hostile-input limits: located in that file
            self.problems.extend(exc.diagnostics)
            return None
        if not self._partial(loaded):
            return None
        return self.resolve(loaded, [*chain, (real, display)])

    def _partial(self, loaded: Loaded) -> bool:
        """Whether `loaded` is a well-formed partial spec; report every key it may not hold."""
        data, source = loaded.data, loaded.source
        if data is None:
            return False  # an empty (or comments-only) file adds nothing
        if not isinstance(data, dict):
            self.fail(
                source,
                (),
                "E146",
                "an included file is a mapping of team-owned sections (services, alerts, ...)",
            )
            return False
        before = len(self.problems)
        self._keys(source, data, ())
        manager = data.get("alertmanager")
        if isinstance(manager, dict):
            self._keys(source, manager, ("alertmanager",))
        elif "alertmanager" in data:
            self.fail(source, ("alertmanager",), "E146", "expected a mapping of receivers, routes, ...")
        version = data.get("version")
        if "version" in data and (type(version) is not int or version != 1):
            message = f"unsupported spec version {version!r}: write `version: 1` or omit it"
            self.fail(source, ("version",), "E100", message)
        if not isinstance(data.get("name", ""), str):
            self.fail(source, ("name",), "E146", "`name` (optional, for readers) is a string")
        for section in TEAM_SECTIONS:
            value = _get(data, section)
            if value is not None and not isinstance(value, list):
                self.fail(source, section, "E146", f"`{format_path(section)}` is a list of items")
        return len(self.problems) == before

    def _keys(self, source: SourceMap, mapping: dict[str, Any], at: PathKey) -> None:
        allowed = _allowed(at)
        for key in mapping:
            if key in allowed:
                continue
            here = (*at, key)
            listed = ", ".join(allowed)
            if key in (_ROOT_ALERTMANAGER_KEYS if at else ROOT_ONLY_KEYS):
                message = (
                    f"`{format_path(here)}` belongs in the root spec, not an included file "
                    f"(which may hold {listed})"
                )
                if here == ("alertmanager", "route"):
                    message += "; add routes to the root route with `alertmanager: {routes: [...]}`"
                self.fail(source, here, "E147", message, key=True)
            else:
                guess = difflib.get_close_matches(str(key), allowed, n=1)
                hint = f"did you mean {guess[0]!r}?" if guess else f"an included file may hold {listed}"
                self.fail(source, here, "E147", f"unknown key {key!r} in an included file: {hint}", key=True)


class _WalkTooBig(Exception):
    """A glob looked at more directory entries than MAX_WALK_ENTRIES."""


def _inside(path: str, directory: str) -> bool:
    return os.path.commonpath([path, directory]) == directory


def _get(data: dict[str, Any], path: PathKey) -> Any:
    value: Any = data
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(str(part))
    return value


def _copy_source(source: SourceMap) -> SourceMap:
    return SourceMap(source.file, dict(source.values), dict(source.keys), dict(source.files))


def _merge(parent: Loaded, child: Loaded, *, into_root: bool) -> None:
    """Append `child`'s sections to `parent` (in place), with positions and files of every item moved."""
    data, cdata = parent.data, child.data
    roots: dict[PathKey, PathKey] = {}  # child path -> where it lands in the parent
    for section, root_target in TEAM_SECTIONS.items():
        items = _get(cdata, section)
        if not items:
            continue
        target = root_target if into_root else section
        existing = _get(data, target)
        if existing is not None and not isinstance(existing, list):
            continue  # parse_spec reports the parent's malformed list
        holder = data
        for part in target[:-1]:  # a mapping the parent lacks stays located in the parent (1:1)
            value = holder.get(part)
            if value is not None and not isinstance(value, dict):
                break  # malformed parent mapping: reported by parse_spec
            holder[part] = dict(value or {})
            holder = holder[part]
        else:
            if existing is None:  # a list the child created in the parent stands where the child wrote it
                roots[section] = target
            holder[target[-1]] = [*(existing or []), *items]
            offset = len(existing or [])
            roots.update(((*section, index), (*target, offset + index)) for index in range(len(items)))
    graft(parent.source, child.source, roots)


def resolve_includes(loaded: Loaded) -> Loaded:
    """The root spec with every included file merged in; MonctlError with every include problem found."""
    resolver = _Resolver(root_dir=os.path.dirname(loaded.source.file) or ".")
    root = Path(loaded.source.file).resolve()
    resolver.included_by[root] = "the root spec"
    merged = resolver.resolve(loaded, [(root, loaded.source.file)])
    if resolver.problems:
        raise MonctlError(resolver.problems)
    return merged


def included_files(loaded: Loaded) -> frozenset[Path]:
    """Every file `loaded` includes, directly or through other included files (resolved paths).

    Unlike `resolve_includes` it never raises: a spec with a broken include still names the files
    it does reach, which is what finding a team file's root spec needs (load/roots.py).
    """
    resolver = _Resolver(root_dir=os.path.dirname(loaded.source.file) or ".")
    root = Path(loaded.source.file).resolve()
    resolver.included_by[root] = "the root spec"
    resolver.resolve(loaded, [(root, loaded.source.file)])
    return frozenset(resolver.included_by) - {root}
