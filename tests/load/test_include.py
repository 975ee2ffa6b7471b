"""`include:` — team files merged into the root spec, every diagnostic located in the file that holds it."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from erpgo_monctl.diagnostics import Diagnostic, MonctlError
from erpgo_monctl.load.include import MAX_INCLUDE_DEPTH
from erpgo_monctl.pipeline import load_model, render_model

CASES = Path(__file__).resolve().parents[1] / "cases" / "include"
NESTED = CASES / "nested"


def errors_of(spec: Path, env: str | None = None) -> list[Diagnostic]:
    with pytest.raises(MonctlError) as caught:
        load_model(spec, env)
    return caught.value.diagnostics


def where(diag: Diagnostic) -> tuple[str, int, int, str]:
    return diag.file, diag.line, diag.column, diag.code


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root / "spec.yaml"


def root_spec(*includes: str, extra: str = "") -> str:
    """The nested case's root spec with other include entries (and extra top-level text)."""
    text = (NESTED / "spec.yaml").read_text(encoding="utf-8")
    text = text.split("environments:")[0].replace(
        "  - teams/*.yaml\n", "".join(f"  - {i}\n" for i in includes)
    )
    return text + extra


def test_nested_includes_append_in_include_order_with_each_items_file() -> None:
    model, _ = load_model(NESTED / "spec.yaml")
    spec, source = model.spec, model.source
    assert source is not None
    # root's own items first, then teams/*.yaml sorted; a team file's own items before its sub-file's
    assert [s.name for s in spec.services] == ["gateway", "checkout", "payments"]
    assert [e.name for e in spec.exporters] == ["checkout-redis"]
    assert [g.name for g in spec.alerts] == ["platform", "checkout", "payments"]
    assert [r.name for r in spec.alertmanager.receivers] == ["platform", "checkout-team"]
    assert [r.receiver for r in spec.alertmanager.route.routes] == ["platform", "checkout-team"]
    teams = NESTED / "teams"
    assert source.where(("services", 0, "name")) == (str(NESTED / "spec.yaml"), 7, 11)
    assert source.where(("services", 1, "name")) == (str(teams / "checkout.yaml"), 4, 11)
    assert source.where(("services", 2, "targets", 0)) == (str(teams / "payments.yaml"), 5, 15)
    assert source.where(("exporters", 0, "kind")) == (str(teams / "checkout" / "exporters.yaml"), 3, 11)
    assert source.where(("alertmanager", "route", "routes", 1, "receiver")) == (
        str(teams / "checkout.yaml"),
        28,
        17,
    )


def test_glob_matches_merge_in_sorted_order_not_directory_order(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        {
            "spec.yaml": root_spec("teams/*.yaml"),
            "teams/zeta.yaml": 'services: [{name: zeta, targets: ["zeta:80"]}]\n',
            "teams/alpha.yaml": 'services: [{name: alpha, targets: ["alpha:80"]}]\n',
            "teams/mid.yaml": 'services: [{name: mid, targets: ["mid:80"]}]\n',
        },
    )
    model, _ = load_model(spec)
    assert [s.name for s in model.spec.services] == ["gateway", "alpha", "mid", "zeta"]


def test_render_of_an_included_spec_holds_the_union_of_every_file() -> None:
    model, _ = load_model(NESTED / "spec.yaml")
    files = {str(path): data for path, data in render_model(model).items()}
    prometheus = yaml.safe_load(files["configs/prometheus.yml"])
    jobs = [job["job_name"] for job in prometheus["scrape_configs"]]
    assert {"gateway", "checkout", "payments", "checkout-redis"} <= set(jobs)
    rules = yaml.safe_load(files["configs/alert_rules.yml"])
    alerts = {rule["alert"] for group in rules["groups"] for rule in group["rules"]}
    assert alerts == {"GatewayDown", "CheckoutErrors", "PaymentsDown"}
    dashboards = {path for path in files if path.startswith("configs/grafana/dashboards/")}
    assert dashboards == {
        "configs/grafana/dashboards/checkout.json",
        "configs/grafana/dashboards/payments.json",
    }
    routes = yaml.safe_load(files["configs/alertmanager.yml"])["route"]["routes"]
    assert [route["receiver"] for route in routes] == ["platform", "checkout-team"]


def test_an_environment_overlay_changes_an_item_from_an_included_file() -> None:
    model, _ = load_model(NESTED / "spec.yaml", env="local")
    payments = next(s for s in model.spec.services if s.name == "payments")
    assert payments.targets == ["localhost:9100"]


def test_an_overlay_value_on_an_included_item_is_located_in_the_root_spec(tmp_path: Path) -> None:
    overlay = (
        "environments:\n  local:\n    services:\n      - name: alpha\n        scrape_interval: 5 minutes\n"
    )
    spec = write(
        tmp_path,
        {
            "spec.yaml": root_spec("alpha.yaml", extra=overlay),
            "alpha.yaml": 'services:\n  - name: alpha\n    targets: ["alpha:80"]\n',
        },
    )
    [diag] = errors_of(spec, env="local")
    line = spec.read_text(encoding="utf-8").splitlines().index("        scrape_interval: 5 minutes") + 1
    assert where(diag) == (str(spec), line, 26, "E105")
    assert diag.path == "environments.local.services[0].scrape_interval"


@pytest.mark.parametrize(
    ("case", "at", "chain"),
    [
        ("cycle-self", ("spec.yaml", 5, 5), ["spec.yaml", "spec.yaml"]),
        ("cycle-two", ("b.yaml", 1, 11), ["a.yaml", "b.yaml", "a.yaml"]),
        ("cycle-glob", ("parts/a.yaml", 2, 11), ["parts/a.yaml", "parts/a.yaml"]),
    ],
)
def test_an_include_cycle_is_an_error_naming_the_chain_and_returns_quickly(
    case: str, at: tuple[str, int, int], chain: list[str]
) -> None:
    root = CASES / case
    started = time.monotonic()
    diags = errors_of(root / "spec.yaml")
    assert time.monotonic() - started < 5
    [diag] = [d for d in diags if d.code == "E143"]
    assert (diag.file, diag.line, diag.column) == (str(root / at[0]), at[1], at[2])
    assert f"include cycle: {' -> '.join(str(root / name) for name in chain)}" in diag.message


def test_a_missing_included_file_is_located_at_its_include_entry() -> None:
    root = CASES / "missing"
    [diag] = errors_of(root / "spec.yaml")
    assert where(diag) == (str(root / "spec.yaml"), 5, 5, "E142")
    assert "'teams/checkout.yaml' not found" in diag.message


def test_a_glob_matching_nothing_is_an_error_at_its_include_entry() -> None:
    root = CASES / "glob-empty"
    [diag] = errors_of(root / "spec.yaml")
    assert where(diag) == (str(root / "spec.yaml"), 5, 5, "E141")
    assert "'teams/*.yml' matches no file" in diag.message


def test_root_only_keys_in_an_included_file_are_located_in_that_file() -> None:
    team = str(CASES / "forbidden-key" / "teams" / "search.yaml")
    diags = errors_of(CASES / "forbidden-key" / "spec.yaml")
    assert [(where(d), d.path) for d in diags] == [
        ((team, 4, 1, "E147"), "prometheus"),
        ((team, 7, 3, "E147"), "alertmanager.route"),
    ]
    assert "belongs in the root spec" in diags[0].message and "services" in diags[0].message
    assert "alertmanager: {routes: [...]}" in diags[1].message


def test_a_typo_in_an_included_file_suggests_the_section(tmp_path: Path) -> None:
    spec = write(tmp_path, {"spec.yaml": root_spec("team.yaml"), "team.yaml": "version: 1\nservics: []\n"})
    [diag] = errors_of(spec)
    assert where(diag) == (str(tmp_path / "team.yaml"), 2, 1, "E147")
    assert "did you mean 'services'?" in diag.message


def test_an_included_file_with_another_version_is_refused_there(tmp_path: Path) -> None:
    spec = write(tmp_path, {"spec.yaml": root_spec("team.yaml"), "team.yaml": "version: 2\nservices: []\n"})
    [diag] = errors_of(spec)
    assert where(diag) == (str(tmp_path / "team.yaml"), 1, 10, "E100")


def test_a_schema_error_inside_an_included_file_is_located_in_that_file() -> None:
    [diag] = errors_of(CASES / "bad-value" / "spec.yaml")
    assert where(diag) == (str(CASES / "bad-value" / "teams" / "search.yaml"), 4, 22, "E105")
    assert diag.path == "services[1].scrape_interval"


def test_a_yaml_error_inside_an_included_file_is_located_in_that_file(tmp_path: Path) -> None:
    spec = write(tmp_path, {"spec.yaml": root_spec("team.yaml"), "team.yaml": "services: [\n"})
    [diag] = errors_of(spec)
    assert diag.file == str(tmp_path / "team.yaml") and diag.code == "E001"


def test_a_duplicate_across_files_names_both_places() -> None:
    teams = CASES / "duplicate" / "teams"
    diags = errors_of(CASES / "duplicate" / "spec.yaml")
    job = next(d for d in diags if d.code == "E304")
    assert where(job) == (str(teams / "b.yaml"), 3, 11, "E304")
    assert f"duplicate scrape job 'api' (first at {teams / 'a.yaml'}:2:11, services[1].name)" in job.message
    receiver = next(d for d in diags if d.code == "E305")
    assert where(receiver) == (str(teams / "b.yaml"), 7, 13, "E305")
    assert f"(first at {CASES / 'duplicate' / 'spec.yaml'}:25:13," in receiver.message


def test_a_duplicate_within_one_file_keeps_the_line_wording(tmp_path: Path) -> None:
    team = 'services:\n  - name: x\n    targets: ["x:80"]\n  - name: x\n    targets: ["y:80"]\n'
    spec = write(tmp_path, {"spec.yaml": root_spec("team.yaml"), "team.yaml": team})
    [diag] = errors_of(spec)
    assert where(diag) == (str(tmp_path / "team.yaml"), 4, 11, "E304")
    assert "(first at line 2, services[1].name)" in diag.message


def test_a_file_included_twice_is_an_error_naming_the_first_include(tmp_path: Path) -> None:
    spec = write(
        tmp_path,
        {
            "spec.yaml": root_spec("teams/*.yaml", "teams/a.yaml"),
            "teams/a.yaml": 'services: [{name: a, targets: ["a:80"]}]\n',
        },
    )
    [diag] = errors_of(spec)
    assert where(diag) == (str(spec), 6, 5, "E145")
    assert f"already included (at {spec}:5:5)" in diag.message


def test_includes_deeper_than_the_limit_are_refused(tmp_path: Path) -> None:
    files = {"spec.yaml": root_spec("f0.yaml")}
    for level in range(MAX_INCLUDE_DEPTH + 4):
        files[f"f{level}.yaml"] = f"include: [f{level + 1}.yaml]\n"
    files[f"f{MAX_INCLUDE_DEPTH + 4}.yaml"] = "services: []\n"
    [diag] = errors_of(write(tmp_path, files))
    assert diag.code == "E144" and f"more than {MAX_INCLUDE_DEPTH} deep" in diag.message


def test_validate_json_reports_the_included_file() -> None:
    result = CliRunner().invoke(app, ["validate", "--format", "json", str(CASES / "bad-value" / "spec.yaml")])
    assert result.exit_code == 1
    [found] = json.loads(result.stdout)
    assert found["file"] == str(CASES / "bad-value" / "teams" / "search.yaml")
    assert (found["line"], found["column"], found["code"]) == (4, 22, "E105")


# -- where includes may point: inside the root spec's directory tree, walked without loops --------

TEAM = 'services:\n  - name: {name}\n    targets: ["{name}:8080"]\n'


def _tree(tmp_path: Path, *includes: str) -> Path:
    root = tmp_path / "specs"
    spec = write(root, {"spec.yaml": root_spec(*includes)})
    write(root, {"teams/a.yaml": TEAM.format(name="team-a"), "teams/sub/b.yaml": TEAM.format(name="team-b")})
    return spec


def _service_names(spec: Path) -> list[str]:
    model, _ = load_model(spec)
    return [service.name for service in model.spec.services]


def test_a_recursive_glob_does_not_follow_directory_symlinks_so_self_links_end(tmp_path: Path) -> None:
    spec = _tree(tmp_path, '"teams/**/*.yaml"')
    (spec.parent / "teams" / "l1").symlink_to(".")
    (spec.parent / "teams" / "l2").symlink_to(".")
    assert _service_names(spec)[-2:] == ["team-a", "team-b"]


@pytest.mark.parametrize(
    ("entry", "needle"),
    [
        ('"/**/*.yaml"', "absolute paths are refused"),
        ('"/etc/passwd"', "absolute paths are refused"),
        ('"../outside.yaml"', "points outside the root spec's directory"),
        ('"teams/../../outside.yaml"', "points outside the root spec's directory"),
        ('"../*.yaml"', "points outside the root spec's directory"),
        ('"teams/\\0*.yaml"', "cannot hold a NUL character"),
    ],
)
def test_includes_outside_the_root_tree_are_refused_at_their_entry(
    tmp_path: Path, entry: str, needle: str
) -> None:
    spec = _tree(tmp_path, entry)
    write(tmp_path, {"outside.yaml": TEAM.format(name="outside")})
    [diag] = errors_of(spec)
    line = spec.read_text(encoding="utf-8").splitlines().index(f"  - {entry}") + 1
    assert where(diag) == (str(spec), line, 5, "E148")
    assert needle in diag.message


def test_a_symlinked_file_leading_outside_the_root_tree_is_refused(tmp_path: Path) -> None:
    spec = _tree(tmp_path, "teams/*.yaml")
    write(tmp_path, {"outside.yaml": TEAM.format(name="outside")})
    (spec.parent / "teams" / "z.yaml").symlink_to(tmp_path / "outside.yaml")
    [diag] = errors_of(spec)
    assert diag.code == "E148" and "outside the root spec's directory" in diag.message


def test_a_team_file_may_include_upwards_while_it_stays_inside_the_root_tree(tmp_path: Path) -> None:
    spec = _tree(tmp_path, "teams/a.yaml")
    write(spec.parent, {"teams/a.yaml": "include: [../common/c.yaml]\n" + TEAM.format(name="team-a")})
    write(spec.parent, {"common/c.yaml": TEAM.format(name="common")})
    assert _service_names(spec)[-2:] == ["team-a", "common"]


def test_a_glob_looking_at_too_many_entries_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from erpgo_monctl.load import include

    monkeypatch.setattr(include, "MAX_WALK_ENTRIES", 3)
    spec = _tree(tmp_path, '"**/*.yaml"')
    [diag] = errors_of(spec)
    assert diag.code == "E149" and "more than 3 directory entries" in diag.message
