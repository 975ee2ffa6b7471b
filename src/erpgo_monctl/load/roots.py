"""A team file is checked as part of the root spec(s) that include it, never alone.

`monctl validate FILE...` is what the documented pre-commit hook runs on the changed files. A file
that another spec includes (`specs/teams/checkout.yaml`) is not a spec of its own: validated alone
it lacks `version` and `name`, and the root that includes it (and may now be broken by it) is
never looked at. So each file given is replaced by the root specs that include it. `include:`
never leaves the root spec's directory tree, so a root sits in the file's directory or one above:
those directories are searched, up to the working directory (where pre-commit runs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from erpgo_monctl.diagnostics import MonctlError
from erpgo_monctl.load.files import load_file
from erpgo_monctl.load.include import included_files
from erpgo_monctl.spec.team import INCLUDE

SPEC_SUFFIXES = (".yaml", ".yml")
MAX_CANDIDATES = 512  # spec files looked at for one file's roots: a spec tree, not a filesystem


@dataclass
class RootFinder:
    """Finds the root specs including a file; each candidate spec is read once per run."""

    stop: Path  # the highest directory searched (the working directory)
    _included: dict[Path, frozenset[Path]] = field(default_factory=dict)

    def roots_of(self, path: Path) -> list[Path]:
        """The specs that include `path` and that no other of them includes (empty: `path` is a root)."""
        target = path.resolve()
        including = [c for c in self._candidates(target) if target in self._includes(c)]
        nested = {f for c in including for f in self._includes(c)}
        return [c for c in including if c.resolve() not in nested]

    def _candidates(self, target: Path) -> list[Path]:
        directory, stop = target.parent, self.stop.resolve()
        directories = [directory]
        while directory != stop and directory.is_relative_to(stop):
            directory = directory.parent
            directories.append(directory)
        found: list[Path] = []
        for where in directories:
            try:
                entries = sorted(where.iterdir())
            except OSError:
                continue
            found += [
                e for e in entries if e.suffix in SPEC_SUFFIXES and e.is_file() and e.resolve() != target
            ]
        return [_shown(path, stop) for path in found[:MAX_CANDIDATES]]

    def _includes(self, candidate: Path) -> frozenset[Path]:
        key = candidate.resolve()
        if key not in self._included:
            self._included[key] = _included(candidate)
        return self._included[key]


def _included(candidate: Path) -> frozenset[Path]:
    try:  # a spec without the word `include` anywhere includes nothing: not worth a YAML parse
        if INCLUDE.encode() not in candidate.read_bytes():
            return frozenset()
    except OSError:
        return frozenset()
    try:
        loaded = load_file(candidate)
    except MonctlError:  # not YAML we can read: not the root of anything
        return frozenset()
    if not isinstance(loaded.data, dict) or INCLUDE not in loaded.data:
        return frozenset()
    return included_files(loaded)


def _shown(path: Path, stop: Path) -> Path:
    """`path` relative to the working directory when below it (how diagnostics name files)."""
    return path.relative_to(stop) if path.is_relative_to(stop) else path


@dataclass(frozen=True)
class Target:
    """A spec `monctl validate` checks, and the files given on the command line it stands for."""

    spec: Path
    given: tuple[Path, ...]  # the team files it is validated for (empty: the spec itself was given)


def validation_targets(paths: list[Path], stop: Path) -> list[Target]:
    """The specs to validate for `paths`: each file itself, or the root specs that include it, once each."""
    finder = RootFinder(stop)
    specs: dict[Path, Path] = {}  # resolved -> as shown, in the order first met
    given: dict[Path, list[Path]] = {}
    for path in paths:
        roots = finder.roots_of(path) if path.is_file() else []  # a missing file: validate reports E002
        for spec in roots or [path]:
            key = spec.resolve()
            specs.setdefault(key, spec)
            given.setdefault(key, []).extend([path] if roots else [])
    return [Target(spec, tuple(given[key])) for key, spec in specs.items()]
