"""The resolved model renderers consume: the spec with defaults applied and links followed.

Renderers never re-derive policy (runbook URLs, declared severities, datasource
uids, container names); they read it here, so every target agrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from erpgo_monctl import GENERATED_HEADER
from erpgo_monctl.diagnostics.source import PathKey, SourceMap
from erpgo_monctl.spec.alertmanager import Alertmanager
from erpgo_monctl.spec.observability import Dashboard
from erpgo_monctl.spec.operations import SeverityPolicy
from erpgo_monctl.spec.rules import AlertRule, Exporter, Service
from erpgo_monctl.spec.types import is_mounted_secret
from erpgo_monctl.spec.v1 import Spec

DEFAULT_SEVERITIES = {
    "critical": SeverityPolicy(level="critical"),
    "warning": SeverityPolicy(level="warning"),
    "info": SeverityPolicy(level="info"),
}

# Metric name prefixes each exporter kind produces (for cross-reference checks).
EXPORTER_PREFIXES: dict[str, tuple[str, ...]] = {
    "node": ("node_",),
    "postgres": ("pg_",),
    "redis": ("redis_",),
    "docker": ("engine_daemon_", "builder_", "swarm_", "etcd_"),
    "cadvisor": ("container_", "machine_", "cadvisor_"),
    "blackbox": ("probe_",),
    "mysql": ("mysql_",),
    "process": ("namedprocess_",),
    "custom": (),
}
# Series every scrape yields, and the standard process/runtime collectors of client libraries.
UNIVERSAL_METRICS = (
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
)
CLIENT_LIBRARY_PREFIXES = ("process_", "go_", "promhttp_", "python_")


@dataclass(frozen=True)
class Datasource:
    name: str
    uid: str
    type: str
    url: str
    is_default: bool = False


@dataclass(frozen=True)
class ScrapeJob:
    name: str
    targets: list[str]
    metrics_path: str
    scheme: str
    scrape_interval: str | None
    scrape_timeout: str | None
    labels: dict[str, str]
    kind: str  # "service" or the exporter kind


@dataclass(frozen=True)
class RenderedAlert:
    """An alerting rule as rendered: its group, the rule, and the spec path it comes from."""

    group: str
    rule: AlertRule
    spec_path: PathKey


@dataclass
class Model:
    """A validated spec plus everything derived from it."""

    spec: Spec
    source: SourceMap | None = None
    env: str | None = None
    extra: dict[str, object] = field(default_factory=dict)
    # Facts checks, lint and renderers derive once per run and share (see checks.alert_labels.alerts).
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def header(self) -> str:
        env = self.env or self.spec.environment
        return f"{GENERATED_HEADER}\nspec: {self.spec.name} (environment: {env})"

    @cached_property
    def severities(self) -> dict[str, SeverityPolicy]:
        return dict(self.spec.incidents.severities) or dict(DEFAULT_SEVERITIES)

    @cached_property
    def scrape_jobs(self) -> list[ScrapeJob]:
        jobs: list[ScrapeJob] = []
        entries: list[Service | Exporter] = [*self.spec.services, *self.spec.exporters]
        for entry in entries:
            kind = entry.kind if isinstance(entry, Exporter) else "service"
            scheme = entry.scheme if isinstance(entry, Service) else "http"
            jobs.append(
                ScrapeJob(
                    entry.name,
                    list(entry.targets),
                    entry.metrics_path,
                    scheme,
                    entry.scrape_interval,
                    entry.scrape_timeout,
                    dict(entry.labels),
                    kind,
                )
            )
        return jobs

    def alert_rules(self) -> list[RenderedAlert]:
        """Every alerting rule the output holds: the spec's, then each SLO's burn-rate alerts."""
        from erpgo_monctl.resolve.slo import model_burn_alerts

        found = [
            RenderedAlert(group.name, rule, ("alerts", g, "rules", r, "alert"))
            for g, group in enumerate(self.spec.alerts)
            for r, rule in enumerate(group.rules)
        ]
        for s, slo in enumerate(self.spec.slos):
            found += [
                RenderedAlert(f"slo-{slo.name}", burn.rule, ("slos", s, "name"))
                for burn in model_burn_alerts(self, slo)
            ]
        return found

    def routing_labels(self, rule: AlertRule) -> dict[str, str]:
        """The labels Alertmanager routes `rule` by that the spec knows statically."""
        return {"alertname": rule.alert, "severity": rule.severity, **rule.labels}

    def runbook_url(self, rule: AlertRule) -> str | None:
        if rule.runbook_url:
            return rule.runbook_url
        base = self.spec.incidents.runbook_base_url
        if not base:
            return None
        return base.rstrip("/") + "/" + rule.alert

    def procedure_for(self, rule: AlertRule) -> str | None:
        if rule.procedure:
            return rule.procedure
        policy = self.severities.get(rule.severity)
        return policy.procedure if policy else None

    @cached_property
    def datasources(self) -> list[Datasource]:
        found = [Datasource("Prometheus", "prometheus", "prometheus", "http://prometheus:9090", True)]
        if self.spec.alertmanager is not None:
            found.append(
                Datasource("Alertmanager", "alertmanager", "alertmanager", "http://alertmanager:9093")
            )
        if self.spec.logging is not None:
            found.append(
                Datasource("Loki", "loki", "loki", f"http://loki:{self.spec.logging.loki.http_port}")
            )
        if self.spec.tracing is not None and self.spec.tracing.jaeger is not None:
            found.append(
                Datasource("Jaeger", "jaeger", "jaeger", f"http://jaeger:{self.spec.tracing.jaeger.ui_port}")
            )
        return found

    @cached_property
    def dashboards(self) -> list[Dashboard]:
        """The spec's dashboards followed by the generated ones (one SLO dashboard per service)."""
        from erpgo_monctl.resolve.slo import slo_dashboards

        return [*self.spec.dashboards, *slo_dashboards(self)]

    def dashboard_uid(self, index: int) -> str:
        # the spec's own dashboards come first: their uids need no generated dashboard built
        spec_dashboards = self.spec.dashboards
        dashboard = spec_dashboards[index] if 0 <= index < len(spec_dashboards) else self.dashboards[index]
        if dashboard.uid:
            return dashboard.uid
        return slugify(dashboard.title)[:40]

    def dashboard_folder(self, dashboard: Dashboard) -> str:
        """The Grafana folder of a dashboard: its own, stack.grafana.folder, else the spec's name."""
        return dashboard.folder or self.dashboard_folder_default

    @property
    def dashboard_folder_default(self) -> str:
        return self.spec.stack.grafana.folder or self.spec.name

    def container_name(self, service: str) -> str:
        prefix = self.spec.stack.container_prefix or self.spec.name
        return f"{prefix}-{service}"


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "dashboard"


SECRETS_MOUNT = "/run/secrets"  # where compose mounts `secrets:` inside containers


def secret_path(name: str) -> str:
    """The in-container path of a secret file: compose's `secrets:` mount, or the absolute path given."""
    return f"{SECRETS_MOUNT}/{name}" if is_mounted_secret(name) else name


def _alertmanager_secrets(am: Alertmanager) -> set[str]:
    found: set[str] = set()
    if am.smtp and am.smtp.auth_password_file:
        found.add(am.smtp.auth_password_file)
    if am.slack_api_url_file:
        found.add(am.slack_api_url_file)
    for receiver in am.receivers:
        found.update(c.api_url_file for c in receiver.slack if c.api_url_file)
        found.update(c.credentials_file for c in receiver.webhook if c.credentials_file)
        found.update(c.routing_key_file for c in receiver.pagerduty)
    return found


def secrets_by_component(model: Model) -> dict[str, list[str]]:
    """Secret file names compose mounts for each service (bare names), sorted and de-duplicated."""
    mounted = {
        component: [n for n in names if is_mounted_secret(n)]
        for component, names in secret_files_by_component(model).items()
    }
    return {component: names for component, names in mounted.items() if names}


def secret_files_by_component(model: Model) -> dict[str, list[str]]:
    """Every secret file (bare names and absolute paths) each service reads, sorted and de-duplicated."""
    spec = model.spec
    alertmanager = _alertmanager_secrets(spec.alertmanager) if spec.alertmanager else set()
    prometheus: set[str] = set()
    for remote in spec.prometheus.remote_write:
        if remote.basic_auth:
            prometheus.add(remote.basic_auth.password_file)
        if remote.bearer_token_file:
            prometheus.add(remote.bearer_token_file)
    result = {
        "prometheus": sorted(prometheus),
        "alertmanager": sorted(alertmanager),
        "grafana": [spec.stack.grafana.admin_password_file],
    }
    return {component: names for component, names in result.items() if names}


def rule_file_names(model: Model) -> list[str]:
    """Rule files Prometheus loads, relative to prometheus.yml (all in configs/)."""
    names = []
    if model.spec.alerts:
        names.append("alert_rules.yml")
    if model.spec.recording_rules:
        names.append("recording_rules.yml")
    if model.spec.slos:
        names.append("slo_rules.yml")
    return names
