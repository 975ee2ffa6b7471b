"""The spec's types along a path: which model holds a key, and pydantic's union tags taken out of paths.

Two readers need the schema at a place in the document: did-you-mean suggestions (which keys
exist here) and environment overlays (may an overlay add this key). And pydantic's error
locations carry the tag of every tagged union they pass through (`panels[0].timeseries.queries`,
`sli.events.events.errors`); a user never wrote those, so `user_path` removes them.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Discriminator, Tag
from pydantic.fields import FieldInfo

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.spec.v1 import Spec


@dataclass(frozen=True)
class Kind:
    """Where a tagged union was resolved: the tag that picked the member, and every member by tag."""

    tag: str
    members: dict[str, type[BaseModel]]
    discriminator: str | None  # the tag field (`type`), or None when the member's one key is its tag

    @property
    def model(self) -> type[BaseModel] | None:
        return self.members.get(self.tag)

    def all_keys(self) -> list[str]:
        return sorted({key for member in self.members.values() for key in field_names(member)})


def field_names(model: type[BaseModel]) -> list[str]:
    """The keys a mapping validated by `model` may have, as the YAML spells them."""
    return sorted(f.alias or n for n, f in model.model_fields.items())


def _split(annotation: Any, discriminator: Any = None) -> tuple[Any, Any]:
    """`annotation` without Annotated and Optional, and the discriminator its metadata names."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            for meta in annotation.__metadata__:
                if isinstance(meta, FieldInfo) and meta.discriminator is not None:
                    discriminator = meta.discriminator
                elif isinstance(meta, Discriminator):
                    discriminator = meta
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            options = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(options) != 1:
                return annotation, discriminator
            annotation = options[0]
        else:
            return annotation, discriminator


def _members(union: Any, discriminator: Any) -> dict[str, type[BaseModel]]:
    """A union's model members by the tag pydantic writes into error locations."""
    found: dict[str, type[BaseModel]] = {}
    for option in typing.get_args(union):
        tags = [meta.tag for meta in getattr(option, "__metadata__", ()) if isinstance(meta, Tag)]
        model, _ = _split(option)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            continue
        if not tags and isinstance(discriminator, str) and discriminator in model.model_fields:
            tags = [str(v) for v in typing.get_args(model.model_fields[discriminator].annotation)]
        found.update(dict.fromkeys(tags, model))
    return found


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _child(annotation: Any, part: str | int) -> tuple[Any, Any]:
    """The (annotation, discriminator) of `part` inside a concrete `annotation`; (None, None) if none."""
    origin = typing.get_origin(annotation)
    if isinstance(part, int):
        return (typing.get_args(annotation)[0], None) if origin is list else (None, None)
    if origin is dict:
        return typing.get_args(annotation)[1], None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return info.annotation, info.discriminator
    return None, None


def user_path(loc: tuple[Any, ...]) -> tuple[PathKey, dict[PathKey, Kind]]:
    """pydantic's `loc` as the user's path (union tags removed), and the union kinds resolved on the way.

    The kinds are keyed by the user path of the mapping a union member validated, so an
    unknown key's message can say which kind of panel or stage it is not a key of.
    """
    path: list[str | int] = []
    kinds: dict[PathKey, Kind] = {}
    current: Any = Spec
    discriminator: Any = None
    for part in loc:
        if not isinstance(part, int | str):
            continue
        if current is None:  # lost track of the schema: keep the rest as pydantic wrote it
            path.append(part)
            continue
        current, discriminator = _split(current, discriminator)
        if _is_union(current):
            members = _members(current, discriminator)
            name = discriminator if isinstance(discriminator, str) else None
            kinds[tuple(path)] = Kind(str(part), members, name)
            current, discriminator = members.get(str(part)), None
            continue
        path.append(part)
        current, discriminator = _child(current, part)
    return tuple(path), kinds


def _at(path: PathKey) -> tuple[Any, Any]:
    """The concrete (annotation, discriminator) at a user's `path`; (None, None) where it cannot be told.

    Inside a tagged union a key leads into the members that have it (`queries` is a query
    panel's); a path ending on the union itself gives the union.
    """
    current: Any = Spec
    discriminator: Any = None
    for part in path:
        current, discriminator = _split(current, discriminator)
        if _is_union(current):
            found: list[tuple[Any, Any]] = []
            for member in _members(current, discriminator).values():
                child = _child(member, part)
                if child[0] is not None and child not in found:
                    found.append(child)
            current, discriminator = found[0] if len(found) == 1 else (None, None)
        else:
            current, discriminator = _child(current, part)
        if current is None:
            return None, None
    return _split(current, discriminator)


def annotation_at(path: PathKey) -> Any:
    """The spec type at a user's `path` (a model class, list[...] or dict[...]); None where it cannot be told
    (or where it is a tagged union, whose member the path does not say)."""
    current, _ = _at(path)
    return None if _is_union(current) else current


def members_at(path: PathKey) -> dict[str, type[BaseModel]]:
    """The members, by tag, of the tagged union at a user's `path` (empty when there is none)."""
    current, discriminator = _at(path)
    return _members(current, discriminator) if _is_union(current) else {}


def model_at(path: PathKey) -> type[BaseModel] | None:
    """The model class that validates the mapping at `path`, for did-you-mean suggestions."""
    found = annotation_at(path)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None
