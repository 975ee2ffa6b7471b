"""What `probes:` adds to the model: the opt-in probe alerts and which probe_* series exist.

The two alerts every team writes for blackbox probes (target down, certificate expiring) are
generated here once, so rule files, runbooks, `monctl routes` and the routing checks all see
the same rules. Which probe_* metrics exist depends on the probers in use: an alert on
`probe_dns_*` with no dns module can never fire, and validate says so (E341).
"""

from __future__ import annotations

from dataclasses import dataclass

from erpgo_monctl.resolve.rule_groups import AlertPolicy, RuleGroup
from erpgo_monctl.spec.probes import ProbeModule, Probes
from erpgo_monctl.spec.rules import AlertRule

PROBE_GROUP = "probes"
PROBE_RULE_FILE = "probe_rules.yml"
TARGET_DOWN = "ProbeTargetDown"
CERT_EXPIRY = "ProbeCertificateExpiry"

# metrics every probe yields, and those only some probers yield (blackbox_exporter 0.23-0.27)
COMMON_PROBE_METRICS = ("probe_success", "probe_duration_seconds", "probe_ip_protocol", "probe_ip_addr_hash")
PROBER_PREFIXES: dict[str, tuple[str, ...]] = {
    "http": ("probe_http_", "probe_failed_due_to_regex", "probe_dns_lookup_time_seconds"),
    "tcp": ("probe_dns_lookup_time_seconds", "probe_failed_due_to_regex"),
    "icmp": ("probe_icmp_", "probe_dns_lookup_time_seconds"),
    "dns": ("probe_dns_",),
    "grpc": ("probe_grpc_", "probe_dns_lookup_time_seconds"),
}
TLS_PREFIXES = ("probe_ssl_", "probe_tls_")


@dataclass(frozen=True)
class ProbeScrape:
    """How Prometheus scrapes a probe job: the exporter's /probe, `module` and each target as parameters.

    Renderers turn it into `params: {module: [...]}` and the standard relabelling
    (__address__ -> __param_target -> instance, then __address__ := exporter).
    """

    module: str  # a name in probes.modules
    exporter: str  # host:port where Prometheus reaches the blackbox exporter


def module_metric_prefixes(module: ProbeModule) -> tuple[str, ...]:
    """Name prefixes of the series probes through `module` can produce."""
    found = COMMON_PROBE_METRICS + PROBER_PREFIXES[module.prober]
    return found + TLS_PREFIXES if module.uses_tls() else found


def tls_jobs(probes: Probes) -> list[str]:
    """Probe jobs whose probes can report certificates (http with an https:// target, tcp/grpc with tls)."""
    modules = {m.name: m for m in probes.modules}
    found = []
    for job in probes.jobs:
        module = modules.get(job.module)
        if module is None or not module.uses_tls():
            continue
        if module.prober == "http" and not any(t.startswith("https://") for t in job.targets):
            continue
        found.append(job.name)
    return found


def _job_matcher(names: list[str]) -> str:
    return f'job="{names[0]}"' if len(names) == 1 else 'job=~"' + "|".join(names) + '"'


def probe_alerts(probes: Probes) -> list[AlertRule]:
    alerts = probes.alerts
    jobs = [job.name for job in probes.jobs]
    found: list[AlertRule] = []
    if alerts.target_down.enabled:
        found.append(
            AlertRule.model_validate(
                {
                    "alert": TARGET_DOWN,
                    "expr": f"probe_success{{{_job_matcher(jobs)}}} == 0",
                    "for": alerts.target_down.for_,
                    "severity": alerts.target_down.severity,
                    "labels": dict(alerts.labels),
                    "summary": "Probe of {{ $labels.instance }} fails",
                    "description": "The {{ $labels.job }} probe of {{ $labels.instance }} has failed for "
                    f"{alerts.target_down.for_}: the endpoint is down or unreachable from the exporter.",
                }
            )
        )
    cert_jobs = tls_jobs(probes)
    if alerts.certificate_expiry.enabled and cert_jobs:
        days = alerts.certificate_expiry.days
        found.append(
            AlertRule.model_validate(
                {
                    "alert": CERT_EXPIRY,
                    "expr": f"probe_ssl_earliest_cert_expiry{{{_job_matcher(cert_jobs)}}} - time()"
                    f" < {days} * 86400",
                    "for": alerts.certificate_expiry.for_,
                    "severity": alerts.certificate_expiry.severity,
                    "labels": dict(alerts.labels),
                    "summary": "Certificate of {{ $labels.instance }} expires soon",
                    "description": "The TLS certificate served by {{ $labels.instance }} expires in "
                    "{{ $value | humanizeDuration }} (threshold: " + f"{days} days); renew it.",
                }
            )
        )
    return found


def probe_alert_group(probes: Probes | None, policy: AlertPolicy) -> tuple[RuleGroup, ...]:
    """The enabled probe alerts as one rule group (probe_rules.yml), or no group at all."""
    rules = probe_alerts(probes) if probes is not None else []
    if not rules:
        return ()
    spec_path = ("probes", "alerts")
    return (
        RuleGroup(
            PROBE_GROUP, None, tuple(policy.alerting_rule(rule, PROBE_GROUP, spec_path) for rule in rules)
        ),
    )
