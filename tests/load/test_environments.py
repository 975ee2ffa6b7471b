"""Environment overlays: merge rules, errors located in the overlay, `render --env`, the ERPGo envs."""

from __future__ import annotations

import textwrap
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from erpgo_monctl.cli import app
from erpgo_monctl.diagnostics import Diagnostic, MonctlError, UsageError
from erpgo_monctl.load.environments import apply_environment
from erpgo_monctl.load.files import load_text
from erpgo_monctl.pipeline import load_model, render_model
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.spec.types import duration_seconds
from tests.conftest import ERPGO_SPEC

BASE = """\
version: 1
name: shop
prometheus:
  scrape_interval: 15s
  external_labels: {cluster: shop-production, replica: one}
services:
  - name: api
    targets: ["api:8080"]
    scrape_interval: 15s
  - name: worker
    targets: ["worker:9000"]
alerts:
  - name: app
    rules:
      - alert: HighErrorRate
        expr: rate(errors_total[5m]) > 1
        for: 5m
        severity: critical
        summary: errors
        description: errors
      - alert: HighErrorRate
        expr: rate(errors_total[5m]) > 0.5
        for: 10m
        severity: warning
        summary: errors
        description: errors
      - alert: Down
        expr: up == 0
        for: 1m
        severity: critical
        summary: down
        description: down
alertmanager:
  smtp: {smarthost: "smtp.example.com:587", from: alerts@example.com}
  route:
    receiver: team
    group_wait: 30s
    routes:
      - matchers: ['severity="critical"']
        receiver: pager
        group_wait: 10s
  receivers:
    - name: team
      email: [{to: team@example.com}]
    - name: pager
      email: [{to: pager@example.com}]
stack:
  prometheus: {image: "prom/prometheus:v3.5.0"}
  alertmanager: {image: "prom/alertmanager:v0.28.1"}
  grafana: {image: "grafana/grafana:12.2.0"}
environments:
  production: {}
"""


def spec_with(overlay: str, name: str = "local") -> str:
    """BASE with one more environment whose body is `overlay` (written at its final indentation)."""
    return BASE + f"  {name}:\n" + textwrap.indent(textwrap.dedent(overlay), "    ")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def position(text: str, needle: str) -> tuple[int, int]:
    """1-based line and column of the first `needle` in `text`."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def merged(text: str, env: str = "local") -> dict[str, Any]:
    data = apply_environment(load_text(text, "spec.yaml"), env).loaded.data
    assert isinstance(data, dict)
    return data


def errors_of(tmp_path: Path, text: str, env: str | None = "local") -> list[Diagnostic]:
    with pytest.raises(MonctlError) as caught:
        load_model(write(tmp_path, text), env)
    return caught.value.diagnostics


# --- merge rules -------------------------------------------------------------------------------------------


def test_mappings_merge_key_by_key_and_scalars_replace() -> None:
    data = merged(spec_with("prometheus: {scrape_interval: 1s, external_labels: {cluster: shop-local}}\n"))
    assert data["prometheus"] == {
        "scrape_interval": "1s",
        "external_labels": {"cluster": "shop-local", "replica": "one"},
    }


def test_named_items_merge_by_name_keeping_order_and_other_fields() -> None:
    data = merged(
        spec_with("""\
        services:
          - name: worker
            targets: ["127.0.0.1:9000"]
        """)
    )
    assert data["services"] == [
        {"name": "api", "targets": ["api:8080"], "scrape_interval": "15s"},
        {"name": "worker", "targets": ["127.0.0.1:9000"]},
    ]


def test_alert_rules_are_named_by_alert_and_severity_when_the_name_is_tiered() -> None:
    data = merged(
        spec_with("""\
        alerts:
          - name: app
            rules:
              - {alert: HighErrorRate, severity: warning, for: 30s}
              - {alert: Down, for: 5s}
        """)
    )
    rules = data["alerts"][0]["rules"]
    assert [(r["alert"], r["severity"], r["for"]) for r in rules] == [
        ("HighErrorRate", "critical", "5m"),
        ("HighErrorRate", "warning", "30s"),
        ("Down", "critical", "5s"),
    ]


def test_routes_are_named_by_receiver() -> None:
    data = merged(spec_with("alertmanager: {route: {routes: [{receiver: pager, group_wait: 1s}]}}\n"))
    assert data["alertmanager"]["route"]["routes"] == [
        {"matchers": ['severity="critical"'], "receiver": "pager", "group_wait": "1s"}
    ]
    assert data["alertmanager"]["route"]["group_wait"] == "30s"


def test_other_lists_replace_and_schema_keys_missing_from_the_base_are_added() -> None:
    data = merged(
        spec_with("""\
        alertmanager:
          smtp: null
          receivers:
            - {name: team, email: [], webhook: [{url: "http://127.0.0.1:5001/team"}]}
        """)
    )
    team = data["alertmanager"]["receivers"][0]
    assert team == {"name": "team", "email": [], "webhook": [{"url": "http://127.0.0.1:5001/team"}]}
    assert data["alertmanager"]["smtp"] is None


def test_merged_spec_names_its_environment_and_drops_the_overlays() -> None:
    data = merged(spec_with("prometheus: {scrape_interval: 1s}\n"))
    assert data["environment"] == "local"
    assert "environments" not in data


def test_the_base_document_is_left_as_loaded() -> None:
    loaded = load_text(spec_with("services: [{name: api, targets: ['127.0.0.1:1']}]\n"), "spec.yaml")
    apply_environment(loaded, "local")
    assert loaded.data["services"][0]["targets"] == ["api:8080"]
    assert "local" in loaded.data["environments"]


# --- errors located in the overlay ------------------------------------------------------------------------


def test_unknown_overlay_key_is_located_in_the_overlay_with_a_suggestion(tmp_path: Path) -> None:
    text = spec_with("""\
        services:
          - name: api
            nmae: typo
        """)
    (diag,) = errors_of(tmp_path, text)
    assert (diag.code, diag.path) == ("E120", "environments.local.services[0].nmae")
    assert (diag.line, diag.column) == position(text, "nmae")
    assert "did you mean 'name'?" in diag.message


def test_item_missing_from_the_base_is_an_error_at_its_name(tmp_path: Path) -> None:
    text = spec_with("services: [{name: apii, targets: ['a:1']}]\n")
    (diag,) = errors_of(tmp_path, text)
    assert (diag.code, diag.path) == ("E121", "environments.local.services[0].name")
    assert (diag.line, diag.column) == position(text, "apii")
    assert "did you mean 'api'?" in diag.message


def test_item_without_its_key_field_is_an_error(tmp_path: Path) -> None:
    text = spec_with("services: [{targets: ['a:1']}]\n")
    (diag,) = errors_of(tmp_path, text)
    assert (diag.code, diag.path) == ("E122", "environments.local.services[0]")
    assert "`name`" in diag.message


def test_tiered_alert_named_without_severity_is_ambiguous(tmp_path: Path) -> None:
    text = spec_with("alerts: [{name: app, rules: [{alert: HighErrorRate, for: 1s}]}]\n")
    (diag,) = errors_of(tmp_path, text)
    assert diag.code == "E123"
    assert diag.path == "environments.local.alerts[0].rules[0].alert"
    assert "`severity`" in diag.message


def test_two_overlay_items_for_one_base_item_are_an_error(tmp_path: Path) -> None:
    text = spec_with("""\
        services:
          - {name: api, scrape_interval: 1s}
          - {name: api, scrape_timeout: 1s}
        """)
    (diag,) = errors_of(tmp_path, text)
    assert (diag.code, diag.path) == ("E124", "environments.local.services[1]")


@pytest.mark.parametrize(
    ("overlay", "path"),
    [
        ("exporters: []\n", "environments.local.exporters"),
        ("services: []\n", "environments.local.services"),
        ("alerts: [{name: app, rules: []}]\n", "environments.local.alerts[0].rules"),
        ("alertmanager: {receivers: []}\n", "environments.local.alertmanager.receivers"),
    ],
)
def test_an_empty_list_of_named_items_is_an_error_not_a_silent_no_op(
    tmp_path: Path, overlay: str, path: str
) -> None:
    text = spec_with(overlay)
    (diag,) = errors_of(tmp_path, text)
    assert (diag.code, diag.path) == ("E127", path)
    assert "changes nothing" in diag.message and "remove items in the base spec" in diag.message


def test_overlay_cannot_set_the_environment_or_nest_environments(tmp_path: Path) -> None:
    text = spec_with("environment: staging\nenvironments: {}\n")
    found = {(d.code, d.path) for d in errors_of(tmp_path, text)}
    assert found == {("E125", "environments.local.environment"), ("E125", "environments.local.environments")}


def test_invalid_merged_value_is_located_at_the_overlay_under_its_overlay_path(tmp_path: Path) -> None:
    text = spec_with("services: [{name: worker, targets: [nohost]}]\n")
    (diag,) = errors_of(tmp_path, text)
    assert (diag.code, diag.path) == ("E105", "environments.local.services[0].targets[0]")
    assert (diag.line, diag.column) == position(text, "nohost")


def test_semantic_check_errors_on_overlay_values_point_at_the_overlay(tmp_path: Path) -> None:
    text = spec_with("alerts: [{name: app, rules: [{alert: Down, expr: 'sum((up'}]}]\n")
    (diag,) = errors_of(tmp_path, text)
    assert diag.path.startswith("environments.local.alerts[0].rules[0].expr")
    assert (diag.line, diag.column) == position(text, "'sum((up'")


def test_errors_in_values_the_overlay_did_not_touch_stay_in_the_base(tmp_path: Path) -> None:
    text = spec_with("prometheus: {scrape_interval: 30s}\n").replace(
        'targets: ["worker:9000"]', 'targets: ["worker"]'
    )
    (diag,) = errors_of(tmp_path, text)
    assert diag.path == "services[1].targets[0]"
    assert (diag.line, diag.column) == position(text, '"worker"')


def test_validate_without_env_reports_errors_of_every_overlay(tmp_path: Path) -> None:
    text = spec_with("prometheus: {scrape_intreval: 1s}\n")
    (diag,) = errors_of(tmp_path, text, env=None)
    assert (diag.code, diag.path) == ("E120", "environments.local.prometheus.scrape_intreval")


def test_unknown_environment_is_a_usage_error_listing_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as caught:
        load_model(write(tmp_path, spec_with("{}\n")), "staging")
    assert caught.value.exit_code == 2
    assert "'staging'" in str(caught.value)
    assert "(local, production)" in str(caught.value)


# --- render --env ------------------------------------------------------------------------------------------


def test_render_env_writes_the_merged_spec_and_says_which_environment(tmp_path: Path) -> None:
    spec = write(tmp_path, spec_with("prometheus: {external_labels: {cluster: shop-local}}\n"))
    result = CliRunner().invoke(app, ["render", str(spec), "--env", "local", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "configs" / "prometheus.yml").read_text(encoding="utf-8")
    assert "# spec: shop (environment: local)\n" in text
    assert yaml.safe_load(text)["global"]["external_labels"] == {"cluster": "shop-local", "replica": "one"}


def test_render_unknown_env_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    spec = write(tmp_path, BASE)
    result = CliRunner().invoke(
        app, ["render", str(spec), "--env", "staging", "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "unknown environment 'staging'" in result.output
    assert not (tmp_path / "out").exists()


def test_model_records_the_environment(tmp_path: Path) -> None:
    model, _ = load_model(write(tmp_path, spec_with("{}\n")), "local")
    assert model.env == "local"
    assert model.spec.environment == "local"
    assert model.spec.environments == {}
    assert "(environment: local)" in model.header


# --- the ERPGo environments ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def erpgo_local() -> Model:
    return load_model(ERPGO_SPEC, "local")[0]


def test_erpgo_production_renders_exactly_the_base() -> None:
    base, _ = load_model(ERPGO_SPEC)
    production, _ = load_model(ERPGO_SPEC, "production")
    assert render_model(production) == render_model(base)


def test_erpgo_local_scrapes_only_127_0_0_1(erpgo_local: Model) -> None:
    # a probe job's targets are what the exporter probes; what Prometheus scrapes is the exporter
    targets = [target for job in erpgo_local.scrape_jobs if job.kind != "probe" for target in job.targets]
    assert len(targets) == 6
    assert all(target.startswith("127.0.0.1:") for target in targets)
    assert erpgo_local.spec.probes is not None
    assert erpgo_local.spec.probes.exporter.startswith("127.0.0.1:")
    assert erpgo_local.spec.prometheus.external_labels["cluster"] == "erpgo-local"


def test_erpgo_local_keeps_the_production_receivers_as_local_webhooks(erpgo_local: Model) -> None:
    production, _ = load_model(ERPGO_SPEC)
    receivers = erpgo_local.spec.alertmanager.receivers
    assert [r.name for r in receivers] == [r.name for r in production.spec.alertmanager.receivers]
    for receiver in receivers:
        assert not receiver.email and not receiver.slack and not receiver.pagerduty
        assert [hook.url.rsplit(":", 1)[0] for hook in receiver.webhook] == ["http://127.0.0.1"]
        assert receiver.webhook[0].url.endswith(f"/{receiver.name}")
    local_route, production_route = erpgo_local.spec.alertmanager.route, production.spec.alertmanager.route
    assert (local_route.receiver, local_route.group_by) == (
        production_route.receiver,
        production_route.group_by,
    )
    assert (local_route.group_wait, local_route.group_interval) == ("1s", "1s")
    assert [(r.receiver, r.matchers) for r in local_route.routes] == [
        (r.receiver, r.matchers) for r in production_route.routes
    ]


def test_erpgo_local_alerts_fire_within_seconds(erpgo_local: Model) -> None:
    spans = {r.alert: duration_seconds(r.for_ or "0s") for g in erpgo_local.spec.alerts for r in g.rules}
    assert spans["HighErrorRate"] <= 5
    assert max(spans.values()) <= 10
    assert duration_seconds(erpgo_local.spec.prometheus.evaluation_interval) <= 2


def test_erpgo_local_renders_and_says_so(erpgo_local: Model) -> None:
    files = render_model(erpgo_local)
    text = files[PurePosixPath("configs/alertmanager.yml")].decode()
    assert "(environment: local)" in text
    assert "smtp" not in text


# --- issue 11: what validate shows of overlays, and severity changes ---------------------------------------


def test_validate_shows_overlay_only_warnings_located_in_the_overlay(tmp_path: Path) -> None:
    # the base keeps 30d; staging's 7d is shorter than a 30d SLO window: only staging has the problem
    slo = (
        "slos:\n  - name: api-availability\n    service: api\n    objective: 99.9\n    sli:\n      events:\n"
        "        errors: sum(rate(errors_total[{{window}}]))\n"
        "        total: sum(rate(requests_total[{{window}}]))\n"
    )
    text = spec_with("prometheus: {retention: 7d}\n", name="staging").replace(
        "alertmanager:\n", slo + "alertmanager:\n", 1
    )
    _, base_only = load_model(write(tmp_path, text.replace("retention: 7d", "retention: 30d")))
    assert "W414" not in [d.code for d in base_only]
    _, findings = load_model(write(tmp_path, text))
    [warning] = [d for d in findings if d.code == "W414"]
    assert warning.path == "environments.staging"
    assert (warning.line, warning.column) == position(text, "staging:")
    assert "with --env staging: slos[0].window" in warning.message


def test_an_overlay_changes_the_severity_of_an_alert_that_has_one(tmp_path: Path) -> None:
    text = spec_with("alerts: [{name: app, rules: [{alert: Down, severity: warning}]}]\n", name="staging")
    data = merged(text, "staging")
    [down] = [rule for rule in data["alerts"][0]["rules"] if rule["alert"] == "Down"]
    assert down["severity"] == "warning"
    model, _ = load_model(write(tmp_path, text), "staging")
    assert [r.severity for g in model.spec.alerts for r in g.rules if r.alert == "Down"] == ["warning"]


def test_a_tiered_alert_is_still_selected_by_severity(tmp_path: Path) -> None:
    text = spec_with("alerts: [{name: app, rules: [{alert: HighErrorRate, severity: info, for: 1m}]}]\n")
    (diag,) = errors_of(tmp_path, text)
    assert diag.code == "E121"
