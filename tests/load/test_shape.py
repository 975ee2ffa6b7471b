"""The spec's types along a path: union tags out of pydantic's locations, keys inside a union's members."""

from __future__ import annotations

import pytest

from erpgo_monctl.load.shape import annotation_at, members_at, model_at, user_path
from erpgo_monctl.spec.observability import Query, QueryPanel, TextPanel
from erpgo_monctl.spec.rules import EventsSLI


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (
            ("dashboards", 0, "panels", 1, "timeseries", "queries", 0, "expr"),
            ("dashboards", 0, "panels", 1, "queries", 0, "expr"),
        ),
        (("dashboards", 0, "panels", 1, "text", "content"), ("dashboards", 0, "panels", 1, "content")),
        (("slos", 0, "sli", "events", "events", "total"), ("slos", 0, "sli", "events", "total")),
        (
            ("logging", "jobs", 2, "paths", "pipeline", 0, "regex", "regex"),
            ("logging", "jobs", 2, "pipeline", 0, "regex"),
        ),
        (("logging", "jobs", 0, "docker", "docker", "host"), ("logging", "jobs", 0, "docker", "host")),
        (("services", 0, "targets", 0), ("services", 0, "targets", 0)),  # no union on the way: unchanged
    ],
)
def test_user_path_drops_the_tags_pydantic_adds(
    loc: tuple[str | int, ...], path: tuple[str | int, ...]
) -> None:
    assert user_path(loc)[0] == path


def test_user_path_says_which_kind_each_union_resolved_to() -> None:
    _, kinds = user_path(("dashboards", 0, "panels", 3, "text", "unit"))
    kind = kinds[("dashboards", 0, "panels", 3)]
    assert (kind.tag, kind.model, kind.discriminator) == ("text", TextPanel, "type")
    assert "queries" in kind.all_keys() and "content" in kind.all_keys()


def test_a_key_inside_a_union_leads_into_the_members_that_have_it() -> None:
    assert annotation_at(("dashboards", 0, "panels", 0, "queries", 0)) is Query
    assert model_at(("slos", 0, "sli", "events")) is EventsSLI
    assert annotation_at(("dashboards", 0, "panels", 0)) is None  # which kind: the path does not say
    assert members_at(("dashboards", 0, "panels", 0))["stat"] is QueryPanel
    assert set(members_at(("logging", "jobs", 0))) == {"paths", "docker"}
    assert members_at(("services", 0)) == {}
