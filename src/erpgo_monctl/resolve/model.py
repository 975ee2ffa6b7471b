"""The resolved model every later stage reads: `resolve(spec) -> Model`, built once and immutable.

Every default is applied and every generated object made here (SLO rule groups and burn-rate
alerts, the SLO inhibit rule, SLO dashboards, SLO test plans, final alert labels and
annotations), so validation checks generated objects like written ones and renderers only
encode. `resolve` is total on any spec pydantic accepted: it never raises for a user's mistake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from erpgo_monctl import GENERATED_HEADER
from erpgo_monctl.diagnostics.source import PathKey, SourceMap
from erpgo_monctl.resolve.layout import DEFAULT_IMAGES, rule_file_path
from erpgo_monctl.resolve.probes import ProbeScrape, probe_alert_group
from erpgo_monctl.resolve.relabel import LabelFate, label_fate, written_labels
from erpgo_monctl.resolve.rule_groups import (
    AlertingRule,
    AlertPolicy,
    RuleGroup,
    alert_groups,
    recording_groups,
)
from erpgo_monctl.resolve.secrets import probe_secret_files, receiver_secret_files, scrape_secret_files
from erpgo_monctl.resolve.slo_dashboards import GeneratedDashboard, slo_dashboards
from erpgo_monctl.resolve.slo_rules import InhibitRule, SLORules, slo_inhibit_rules, slo_rules
from erpgo_monctl.resolve.slo_test_plans import SLOTestPlan, slo_test_plan
from erpgo_monctl.spec.alertmanager import Alertmanager
from erpgo_monctl.spec.observability import Dashboard
from erpgo_monctl.spec.operations import Component, SeverityPolicy
from erpgo_monctl.spec.rules import AlertRule, Exporter, Metric, Service
from erpgo_monctl.spec.scrape import ScrapeSettings
from erpgo_monctl.spec.time_intervals import TimeInterval
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
    "blackbox": ("blackbox_",),  # its own /metrics; probe_* come from `probes:` jobs
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
SECRETS_MOUNT = "/run/secrets"  # where compose mounts `secrets:` inside containers


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
    targets: tuple[str, ...]
    metrics_path: str
    scheme: str
    scrape_interval: str | None
    scrape_timeout: str | None
    labels: Mapping[str, str]
    kind: str  # "service", the exporter kind, or "probe"
    # A service's or exporter's discovery, relabelling, TLS/auth and limits, as written (spec/scrape.py).
    settings: ScrapeSettings | None = None
    # A blackbox probe job: Prometheus asks the exporter's /probe for each target (None otherwise).
    probe: ProbeScrape | None = None

    def _target_labels(self) -> dict[str, str]:
        """Labels every target of the job starts with: `job`, and `labels:` when no discovery adds targets."""
        discovered = self.settings is not None and bool(self.settings.discovery())
        return {"job": self.name, **({} if discovered else dict(self.labels))}

    def label_fate(self, label: str) -> LabelFate:
        """What every series this job stores certainly has for `label` after relabelling (relabel.py)."""
        settings = self.settings
        if settings is None:
            fate = label_fate(label, self._target_labels())
        else:
            fate = label_fate(
                label,
                self._target_labels(),
                settings.relabel_configs,
                settings.metric_relabel_configs,
                settings.honor_labels,
            )
        return replace(fate, because=f"job {self.name}: {fate.because}") if fate.because else fate

    def certain_label_names(self) -> set[str]:
        """Names that may come out `set` (target labels, literal relabel targets): the ones worth asking."""
        settings = self.settings
        written = (
            written_labels(settings.relabel_configs, settings.metric_relabel_configs) if settings else set()
        )
        return set(self._target_labels()) | written


@dataclass(frozen=True, eq=False)
class Model:
    """A shape-valid spec plus everything derived from it; renderers read the derived fields.

    Compared and hashed by identity: stages may cache what they derive from one model.
    """

    spec: Spec
    source: SourceMap | None
    env: str | None
    header: str
    severities: Mapping[str, SeverityPolicy]
    alert_policy: AlertPolicy
    scrape_jobs: tuple[ScrapeJob, ...]
    datasources: tuple[Datasource, ...]
    alert_groups: tuple[RuleGroup, ...]  # the spec's alerts:
    recording_groups: tuple[RuleGroup, ...]  # the spec's recording_rules:
    slo_rules: tuple[SLORules, ...]  # one rule group per SLO, in spec order
    probe_groups: tuple[RuleGroup, ...]  # the opt-in probe alerts (probes.alerts), one group or none
    inhibit_rules: tuple[InhibitRule, ...]  # generated ones (the spec's are alertmanager.inhibit_rules)
    dashboards: tuple[Dashboard, ...]  # the spec's, then the generated ones
    dashboard_uids: tuple[str, ...]  # of `dashboards`, index for index
    generated_dashboards: tuple[GeneratedDashboard, ...]  # the tail of `dashboards`
    slo_test_plans: tuple[SLOTestPlan, ...]  # one per SLO, in spec order
    rule_files: tuple[str, ...]  # rule files Prometheus loads, relative to prometheus.yml
    metrics_by_name: Mapping[str, Metric]  # the metrics catalog (E313 refuses a name declared twice)
    alertmanagers: tuple[str, ...]  # where Prometheus sends alerts (host:port); empty: nowhere
    images: Mapping[str, str]  # compose service -> image, for every service the stack runs, in order
    # alertmanager.time_intervals by name (the first of a name; E347 refuses a second)
    time_intervals: Mapping[str, TimeInterval]

    @property
    def alerts(self) -> tuple[AlertingRule, ...]:
        """Every alerting rule the output holds: the spec's, the probe alerts, each SLO's burn-rate alerts."""
        written = tuple(rule for group in (*self.alert_groups, *self.probe_groups) for rule in group.alerts)
        return written + tuple(alert.rule for rules in self.slo_rules for alert in rules.burn_alerts)

    @property
    def slo_groups(self) -> tuple[RuleGroup, ...]:
        return tuple(rules.group for rules in self.slo_rules)

    def runbook_url(self, rule: AlertRule) -> str | None:
        return self.alert_policy.runbook_url(rule)

    def dashboard_uid(self, index: int) -> str:
        return self.dashboard_uids[index]

    def dashboard_path(self, index: int) -> PathKey:
        """The spec entry of `dashboards[index]`: dashboards[i], or the SLO a generated one comes from."""
        written = len(self.spec.dashboards)
        if index < written:
            return ("dashboards", index)
        return self.generated_dashboards[index - written].spec_path

    def dashboard_folder(self, dashboard: Dashboard) -> str:
        """The Grafana folder of a dashboard: its own, stack.grafana.folder, else the spec's name."""
        return dashboard.folder or self.dashboard_folder_default

    @property
    def dashboard_folder_default(self) -> str:
        return self.spec.stack.grafana.folder or self.spec.name

    def container_name(self, service: str) -> str:
        prefix = self.spec.stack.container_prefix or self.spec.name
        return f"{prefix}-{service}"


def resolve(spec: Spec, source: SourceMap | None = None, env: str | None = None) -> Model:
    """Apply every default and make every generated object of `spec`, once."""
    severities = MappingProxyType(dict(spec.incidents.severities) or dict(DEFAULT_SEVERITIES))
    policy = AlertPolicy(spec.incidents.runbook_base_url, severities)
    generated = tuple(slo_dashboards(spec.slos))
    dashboards = (*spec.dashboards, *(g.dashboard for g in generated))
    per_slo = tuple(slo_rules(slo, index, policy) for index, slo in enumerate(spec.slos))
    metrics = {metric.name: metric for metric in spec.metrics}
    intervals: dict[str, TimeInterval] = {}
    for interval in spec.alertmanager.time_intervals if spec.alertmanager else []:
        intervals.setdefault(interval.name, interval)
    probe_groups = probe_alert_group(spec.probes, policy)
    return Model(
        spec=spec,
        source=source,
        env=env,
        header=f"{GENERATED_HEADER}\nspec: {spec.name} (environment: {env or spec.environment})",
        severities=severities,
        alert_policy=policy,
        scrape_jobs=_scrape_jobs(spec),
        datasources=_datasources(spec),
        alert_groups=alert_groups(spec.alerts, policy),
        recording_groups=recording_groups(spec.recording_rules),
        slo_rules=per_slo,
        probe_groups=probe_groups,
        inhibit_rules=slo_inhibit_rules(spec.slos),
        dashboards=dashboards,
        dashboard_uids=tuple(d.uid or slugify(d.title)[:40] for d in dashboards),
        generated_dashboards=generated,
        slo_test_plans=tuple(slo_test_plan(rules) for rules in per_slo),
        rule_files=_rule_files(spec, bool(probe_groups)),
        metrics_by_name=MappingProxyType(metrics),
        alertmanagers=_alertmanagers(spec),
        images=MappingProxyType(_images(spec)),
        time_intervals=MappingProxyType(intervals),
    )


def _scrape_jobs(spec: Spec) -> tuple[ScrapeJob, ...]:
    jobs: list[ScrapeJob] = []
    entries: list[Service | Exporter] = [*spec.services, *spec.exporters]
    for entry in entries:
        kind = entry.kind if isinstance(entry, Exporter) else "service"
        jobs.append(
            ScrapeJob(
                entry.name,
                tuple(entry.targets),
                entry.metrics_path,
                entry.scheme,
                entry.scrape_interval,
                entry.scrape_timeout,
                MappingProxyType(dict(entry.labels)),
                kind,
                settings=entry,
            )
        )
    probes = spec.probes
    for probe in probes.jobs if probes else []:
        jobs.append(
            ScrapeJob(
                probe.name,
                tuple(probe.targets),
                "/probe",
                "http",
                probe.scrape_interval,
                probe.scrape_timeout,
                MappingProxyType(dict(probe.labels)),
                "probe",
                probe=ProbeScrape(probe.module, probes.exporter) if probes else None,
            )
        )
    return tuple(jobs)


def _datasources(spec: Spec) -> tuple[Datasource, ...]:
    found = [Datasource("Prometheus", "prometheus", "prometheus", "http://prometheus:9090", True)]
    if spec.alertmanager is not None:
        found.append(Datasource("Alertmanager", "alertmanager", "alertmanager", "http://alertmanager:9093"))
    if spec.logging is not None:
        found.append(Datasource("Loki", "loki", "loki", f"http://loki:{spec.logging.loki.http_port}"))
    if spec.tracing is not None and spec.tracing.jaeger is not None:
        found.append(Datasource("Jaeger", "jaeger", "jaeger", f"http://jaeger:{spec.tracing.jaeger.ui_port}"))
    return tuple(found)


def _alertmanagers(spec: Spec) -> tuple[str, ...]:
    """prometheus.alertmanagers, else the stack's Alertmanager when the spec has `alertmanager:`."""
    if spec.prometheus.alertmanagers is not None:
        return tuple(spec.prometheus.alertmanagers)
    return ("alertmanager:9093",) if spec.alertmanager is not None else ()


def _images(spec: Spec) -> dict[str, str]:
    """The compose services that run, each with its image (the spec's, else the default pinned one).

    Prometheus and Grafana always; Alertmanager with `alertmanager:`; Loki and the chosen agent
    with `logging:`; Jaeger with `tracing.jaeger`; node-exporter and cAdvisor when `stack:` lists them;
    the blackbox exporter with `probes:`.
    """
    stack = spec.stack
    running: list[tuple[str, Component | None]] = [("prometheus", stack.prometheus)]
    if spec.alertmanager is not None:
        running.append(("alertmanager", stack.alertmanager))
    running.append(("grafana", stack.grafana))
    if spec.logging is not None:
        running.append(("loki", stack.loki))
        agent = spec.logging.agent
        running.append((agent, stack.alloy if agent == "alloy" else stack.promtail))
    if spec.tracing is not None and spec.tracing.jaeger is not None:
        running.append(("jaeger", stack.jaeger))
    running += [("node-exporter", stack.node_exporter), ("cadvisor", stack.cadvisor)]
    if spec.probes is not None:
        running.append(("blackbox-exporter", stack.blackbox or Component()))
    return {name: c.image or DEFAULT_IMAGES[name] for name, c in running if c is not None}


def _rule_files(spec: Spec, probe_alerts: bool) -> tuple[str, ...]:
    """Rule files Prometheus loads, relative to prometheus.yml (all in configs/)."""
    kinds = [
        ("alerts", bool(spec.alerts)),
        ("recording", bool(spec.recording_rules)),
        ("slo", bool(spec.slos)),
        ("probes", probe_alerts),
    ]
    return tuple(rule_file_path(kind).name for kind, present in kinds if present)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "dashboard"


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
        found.update(receiver_secret_files(receiver))
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
    for job in model.scrape_jobs:
        if job.settings is not None:
            prometheus.update(scrape_secret_files(job.settings))
    for remote in spec.prometheus.remote_write:
        if remote.basic_auth:
            prometheus.add(remote.basic_auth.password_file)
        if remote.bearer_token_file:
            prometheus.add(remote.bearer_token_file)
    blackbox = probe_secret_files(spec.probes) if spec.probes else set()
    result = {
        "prometheus": sorted(prometheus),
        "alertmanager": sorted(alertmanager),
        "blackbox-exporter": sorted(blackbox),
        "grafana": [spec.stack.grafana.admin_password_file],
    }
    return {component: names for component, names in result.items() if names}


def rule_file_names(model: Model) -> list[str]:
    """Rule files Prometheus loads, relative to prometheus.yml (all in configs/)."""
    return list(model.rule_files)
