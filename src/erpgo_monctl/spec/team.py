"""What a team file (a spec another spec includes) may hold: the contract `include:` and the schema share.

load/include.py merges these sections into the root spec and refuses any other key; the spec's
JSON Schema (spec/schema.py) describes a team file with the same table, so an editor's modeline
in a team file checks what `monctl validate` checks there.
"""

from __future__ import annotations

from erpgo_monctl.diagnostics.source import PathKey

INCLUDE = "include"
# Lists an included file may add to: its own path -> the path it is appended to in the root spec.
TEAM_SECTIONS: dict[PathKey, PathKey] = {
    ("services",): ("services",),
    ("exporters",): ("exporters",),
    ("metrics",): ("metrics",),
    ("recording_rules",): ("recording_rules",),
    ("alerts",): ("alerts",),
    ("slos",): ("slos",),
    ("dashboards",): ("dashboards",),
    ("tests",): ("tests",),
    ("alertmanager", "receivers"): ("alertmanager", "receivers"),
    ("alertmanager", "routes"): ("alertmanager", "route", "routes"),  # appended to the root route's routes
    ("alertmanager", "route_tests"): ("alertmanager", "route_tests"),
    ("alertmanager", "inhibit_rules"): ("alertmanager", "inhibit_rules"),
}
# Keys an included file may hold besides its sections: documentation, and its own includes.
INFORMATIVE_KEYS = ("version", "name", "description", INCLUDE)
