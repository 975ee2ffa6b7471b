"""The layout table: every output path, the in-container path it is mounted at, and container ports.

Renderers write to these paths, the compose file mounts them at these in-container
paths, and `monctl check` picks the checker of each file from here, so the three can
never disagree. A target with another shape (Kubernetes) adds its own `Layout` to
LAYOUTS; the configuration files it wraps keep the paths of CONFIG_FILES.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import Literal

# Which real checker `monctl check` runs on a file (verify/tools.py maps each to a command).
Checker = Literal[
    "promtool-config",
    "promtool-rules",
    "amtool-config",
    "blackbox-config",
    "compose-schema",
    "grafana-dashboard",
    "promtool-test",
]


@dataclass(frozen=True)
class Placement:
    """One output file (or directory of files): where it is written, mounted, and who checks it."""

    key: str
    path: PurePosixPath  # relative to the output directory
    mount: PurePosixPath | None = None  # where its container reads it (compose bind mount)
    checker: Checker | None = None
    pattern: str | None = None  # for a directory: the files below it the checker takes (a glob)
    required: bool = False  # every rendered tree of the target has it (`monctl check` says when not)
    service: str | None = None  # the compose service reading it: needed whenever the compose file runs it


@dataclass(frozen=True)
class Layout:
    """The placements of one render target, looked up by key."""

    target: str
    placements: tuple[Placement, ...]
    ports: Mapping[str, int]  # container-side ports fixed by an image or by our command flags

    def __getitem__(self, key: str) -> Placement:
        for placement in self.placements:
            if placement.key == key:
                return placement
        raise KeyError(key)

    def path(self, key: str) -> PurePosixPath:
        return self[key].path

    def mount(self, key: str) -> PurePosixPath:
        mount = self[key].mount
        if mount is None:
            raise KeyError(f"{key} is not mounted into a container")
        return mount


CONFIGS = PurePosixPath("configs")
PROMETHEUS_DIR = PurePosixPath("/etc/prometheus")  # rule files sit beside prometheus.yml in the container
RULE_FILE_NAMES = {
    "alerts": "alert_rules.yml",
    "recording": "recording_rules.yml",
    "slo": "slo_rules.yml",
    "probes": "probe_rules.yml",  # the opt-in probe alerts (probes.alerts)
}

# The configuration files every target renders (a Kubernetes target wraps them in ConfigMaps).
CONFIG_FILES: tuple[Placement, ...] = (
    Placement(
        "prometheus",
        CONFIGS / "prometheus.yml",
        PROMETHEUS_DIR / "prometheus.yml",
        "promtool-config",
        required=True,
    ),
    *(
        Placement(f"{kind}_rules", CONFIGS / name, PROMETHEUS_DIR / name, "promtool-rules")
        for kind, name in RULE_FILE_NAMES.items()
    ),
    # only with the spec's `alertmanager:` section (prometheus.yml's `alerting:` points at it)
    Placement(
        "alertmanager",
        CONFIGS / "alertmanager.yml",
        PurePosixPath("/etc/alertmanager/alertmanager.yml"),
        "amtool-config",
        service="alertmanager",
    ),
    Placement(
        "alertmanager_templates",
        CONFIGS / "alertmanager-templates",
        PurePosixPath("/etc/alertmanager/alertmanager-templates"),
        pattern="*.tmpl",  # alertmanager.yml names them relative to itself; amtool loads them
    ),
    Placement(
        "blackbox",
        CONFIGS / "blackbox.yml",
        PurePosixPath("/etc/blackbox_exporter/config.yml"),
        "blackbox-config",  # only when the spec has `probes:`
        service="blackbox-exporter",
    ),
    Placement("loki", CONFIGS / "loki.yml", PurePosixPath("/etc/loki/config.yml"), service="loki"),
    Placement(
        "promtail", CONFIGS / "promtail.yml", PurePosixPath("/etc/promtail/config.yml"), service="promtail"
    ),
    Placement(
        "alloy", CONFIGS / "alloy" / "config.alloy", PurePosixPath("/etc/alloy/config.alloy"), service="alloy"
    ),
    Placement("jaeger", CONFIGS / "jaeger.yml", PurePosixPath("/etc/jaeger/jaeger.yml"), service="jaeger"),
    Placement(
        "grafana_provisioning",
        CONFIGS / "grafana" / "provisioning",
        PurePosixPath("/etc/grafana/provisioning"),
    ),
    Placement(
        "grafana_datasources",
        CONFIGS / "grafana" / "provisioning" / "datasources" / "datasources.yml",
        PurePosixPath("/etc/grafana/provisioning/datasources/datasources.yml"),
        required=True,
    ),
    Placement(
        "grafana_dashboard_providers",
        CONFIGS / "grafana" / "provisioning" / "dashboards" / "dashboards.yml",
        PurePosixPath("/etc/grafana/provisioning/dashboards/dashboards.yml"),
        required=True,
    ),
    Placement(
        "grafana_dashboards",
        CONFIGS / "grafana" / "dashboards",
        PurePosixPath("/var/lib/grafana/dashboards"),
        "grafana-dashboard",
        pattern="**/*.json",
    ),
    Placement("runbooks", PurePosixPath("runbooks")),
    Placement("tests", PurePosixPath("tests"), checker="promtool-test", pattern="*_test.yml"),
)

# Container-side ports of the images (fixed by the image or by our command flags); Loki, Promtail
# and Jaeger ports are the spec's (logging.loki.http_port ...).
IMAGE_PORTS: Mapping[str, int] = MappingProxyType(
    {
        "prometheus": 9090,
        "alertmanager": 9093,
        "grafana": 3000,
        "node-exporter": 9100,
        "cadvisor": 8080,
        "alloy": 12345,
        "blackbox-exporter": 9115,
        "jaeger-otlp-grpc": 4317,  # the OTLP receivers of configs/jaeger.yml, where applications send
        "jaeger-otlp-http": 4318,
    }
)

# The images the rendered configs are written for (and tested against, see docs/stack.md): a `stack:`
# component without `image:` runs this one (resolve puts the chosen ones in Model.images). Each is a
# release tag, never :latest.
DEFAULT_IMAGES: Mapping[str, str] = MappingProxyType(
    {
        "prometheus": "prom/prometheus:v3.5.0",
        "alertmanager": "prom/alertmanager:v0.28.1",
        "grafana": "grafana/grafana:12.2.0",
        "loki": "grafana/loki:3.5.5",
        "promtail": "grafana/promtail:3.5.5",
        "alloy": "grafana/alloy:v1.11.0",
        "jaeger": "jaegertracing/jaeger:2.10.0",
        "node-exporter": "prom/node-exporter:v1.9.1",
        "cadvisor": "gcr.io/cadvisor/cadvisor:v0.52.1",
        "blackbox-exporter": "prom/blackbox-exporter:v0.27.0",
    }
)

COMPOSE = Layout(
    "compose",
    (
        *CONFIG_FILES,
        Placement(
            "compose", PurePosixPath("docker-compose.monitoring.yml"), checker="compose-schema", required=True
        ),
    ),
    IMAGE_PORTS,
)

# prometheus-operator resources, one per file at the root (render/kubernetes), beside runbooks and tests;
# verify/kubernetes.py checks the whole tree (schemas, then promtool on the extracted rule groups).
KUBERNETES = Layout(
    "kubernetes",
    (
        Placement("kustomization", PurePosixPath("kustomization.yaml"), required=True),
        Placement("prometheus_rules", PurePosixPath("."), pattern="prometheusrule-*.yaml"),
        Placement("scrape_configs", PurePosixPath("."), pattern="scrapeconfig-*.yaml"),
        Placement("runbooks", PurePosixPath("runbooks")),
        Placement("tests", PurePosixPath("tests"), pattern="*_test.yml"),
    ),
    IMAGE_PORTS,
)

# target name -> its layout (render/targets.py registers the renderers of the same names)
LAYOUTS: Mapping[str, Layout] = MappingProxyType({"compose": COMPOSE, "kubernetes": KUBERNETES})


def rule_file_path(kind: str) -> PurePosixPath:
    """configs/<kind>_rules.yml of `kind` in alerts, recording, slo."""
    return COMPOSE.path(f"{kind}_rules")


def dashboard_path(uid: str, folder_slug: str | None = None) -> PurePosixPath:
    """configs/grafana/dashboards[/<folder>]/<uid>.json."""
    directory = COMPOSE.path("grafana_dashboards")
    return (directory / folder_slug if folder_slug else directory) / f"{uid}.json"


def runbook_path(alert: str) -> PurePosixPath:
    return COMPOSE.path("runbooks") / f"{alert}.md"


def notification_template_path(name: str) -> PurePosixPath:
    """configs/alertmanager-templates/<name>.tmpl (alertmanager.yml names it relative to itself)."""
    return COMPOSE.path("alertmanager_templates") / f"{name}.tmpl"


def unit_test_path(name: str) -> PurePosixPath:
    """tests/<name>_test.yml (`slo_<name>` for an SLO's generated tests)."""
    return COMPOSE.path("tests") / f"{name}_test.yml"
