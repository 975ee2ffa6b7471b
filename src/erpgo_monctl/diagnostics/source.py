"""Where every value of a loaded document stands (SourceMap), and the Locator every stage places
its diagnostics with: spec path -> file:line:col.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from erpgo_monctl.diagnostics import Diagnostic, Severity, format_path

Pos = tuple[int, int]
PathKey = tuple[str | int, ...]


@dataclass
class SourceMap:
    """Where each value (and each mapping key) of a document stands in its file (or files).

    `file` is the root file; `files` names the file of every subtree merged in from
    another one (`include:`), the longest prefix of a path deciding.
    """

    file: str
    values: dict[PathKey, Pos] = field(default_factory=dict)
    keys: dict[PathKey, Pos] = field(default_factory=dict)
    files: dict[PathKey, str] = field(default_factory=dict)

    def locate(self, path: PathKey, *, key: bool = False) -> Pos:
        """The position of `path`, or of its nearest ancestor that has one."""
        return self.where(path, key=key)[1:]

    def file_of(self, path: PathKey) -> str:
        """The file `path` was written in: the longest prefix with a file of its own, else the root file."""
        if self.files:
            probe = tuple(path)
            while True:
                if probe in self.files:
                    return self.files[probe]
                if not probe:
                    break
                probe = probe[:-1]
        return self.file

    def where(self, path: PathKey, *, key: bool = False) -> tuple[str, int, int]:
        """(file, line, column) of `path`, or of its nearest ancestor that has a position."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            if probe in table:
                return (self.file_of(probe), *table[probe])
            if key and probe in self.values:
                return (self.file_of(probe), *self.values[probe])
            probe = probe[:-1]
        return (self.file, *self.values.get((), (1, 1)))

    def place(self, path: PathKey, *, seen_from: PathKey = ()) -> str:
        """`line N` when `path` is in the same file as `seen_from`, else `FILE:LINE:COL`."""
        file, line, column = self.where(path)
        return f"line {line}" if file == self.file_of(seen_from) else f"{file}:{line}:{column}"


@dataclass(frozen=True)
class Locator:
    """The one way a stage turns a spec path into a Diagnostic: file, line and column from a SourceMap.

    Without a source map (a model built in memory) every finding stands at `<spec>:0:0`;
    a SourceMap with no positions (a rendered file read as data) puts them at line 1 of its file.
    """

    source: SourceMap | None

    def diag(
        self,
        path: PathKey,
        code: str,
        message: str,
        severity: Severity = "error",
        *,
        key: bool = False,
        shown: str | None = None,
    ) -> Diagnostic:
        """A finding at `path` (its key with `key=True`), named `shown` or else `path` spelled out."""
        file, line, column = self.source.where(path, key=key) if self.source else ("<spec>", 0, 0)
        return Diagnostic(
            file, line, column, format_path(path) if shown is None else shown, code, severity, message
        )
