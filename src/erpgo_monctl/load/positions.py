"""Grafting source positions: when merging moves a subtree of one document into another, its
positions (and the file it was written in) move with it.

`include:` appends a team file's items to the root spec's lists; an environment overlay
puts its values where the base had others. Both are the same operation on SourceMaps,
done here once: every entry of `source` at or below a root path is copied to the same
relative place below the path that root lands on.
"""

from __future__ import annotations

from collections.abc import Mapping

from erpgo_monctl.diagnostics.source import PathKey, SourceMap


def graft(into: SourceMap, source: SourceMap, roots: Mapping[PathKey, PathKey]) -> None:
    """Copy into `into` the positions of `source` at or below each root (`frm -> at`), moved to `at`.

    An entry below several roots follows the longest one. Each grafted subtree keeps the
    file it was written in (`SourceMap.files`), nested included files too. One pass over
    `source`, so merging a list of thousands of items costs one walk, not one per item.
    """
    if not roots:
        return
    depths = sorted({len(frm) for frm in roots}, reverse=True)

    def moved(path: PathKey) -> PathKey | None:
        for depth in depths:
            if depth <= len(path):
                at = roots.get(path[:depth])
                if at is not None:
                    return (*at, *path[depth:])
        return None

    for table, into_table in ((source.values, into.values), (source.keys, into.keys)):
        for path, pos in table.items():
            target = moved(path)
            if target is not None:
                into_table[target] = pos
    for frm, at in roots.items():
        file = source.file_of(frm)
        if into.files or file != into.file:  # with no files recorded, every path is in into.file already
            into.files[at] = file
    for path, name in source.files.items():
        target = moved(path)
        if target is not None:
            into.files[target] = name
