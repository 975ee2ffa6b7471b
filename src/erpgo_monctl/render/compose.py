"""Render `docker-compose.monitoring.yml` (Compose Specification) running the rendered configs.

Every `./configs/...` bind mount names a file this render produces; secrets come from
`stack.secrets_dir` through compose `secrets:`, never from plain-text environment values.
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath
from typing import Any

from erpgo_monctl.render import Files
from erpgo_monctl.render.jaeger import JAEGER_DATA
from erpgo_monctl.render.yaml_encoder import dump_yaml
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.resolve.model import (
    Model,
    secret_files_by_component,
    secret_path,
    secrets_by_component,
)
from erpgo_monctl.spec.observability import DockerLogJob, FileLogJob
from erpgo_monctl.spec.operations import Component

COMPOSE_FILE = COMPOSE.path("compose")
ALLOY_HTTP_PORT = COMPOSE.ports["alloy"]
ALLOY_DATA = "/var/lib/alloy/data"

# Container-side ports of the images (fixed by the image or by our command flags).
PROMETHEUS_PORT = COMPOSE.ports["prometheus"]
ALERTMANAGER_PORT = COMPOSE.ports["alertmanager"]
GRAFANA_PORT = COMPOSE.ports["grafana"]
NODE_EXPORTER_PORT = COMPOSE.ports["node-exporter"]
CADVISOR_PORT = COMPOSE.ports["cadvisor"]
BLACKBOX_PORT = COMPOSE.ports["blackbox-exporter"]

# Keys after image/container_name/restart, in the order every service prints them.
SERVICE_KEYS = (
    "entrypoint",
    "command",
    "environment",
    "ports",
    "volumes",
    "secrets",
    "privileged",
    "cap_add",
    "devices",
    "pid",
    "network_mode",
    "extra_hosts",
    "networks",
    "depends_on",
    "healthcheck",
)

# Cheap readiness probes, only for images known to ship busybox/alpine `wget`.
_PROBE_TIMING = {"interval": "30s", "timeout": "5s", "retries": 3, "start_period": "30s"}


def _mount(key: str) -> str:
    """A read-only bind mount of a rendered file or directory at its in-container path (layout table)."""
    return f"./{COMPOSE.path(key)}:{COMPOSE.mount(key)}:ro"


def _rule_kinds(model: Model) -> list[str]:
    kinds = [
        ("alerts", model.alert_groups),
        ("recording", model.recording_groups),
        ("slo", model.slo_rules),
        ("probes", model.probe_groups),
    ]
    return [kind for kind, present in kinds if present]


def _wget_probe(url: str) -> dict[str, Any]:
    return {"test": ["CMD", "wget", "-q", "-O", "/dev/null", url], **_PROBE_TIMING}


# The images' own entrypoints, run after the secret check (prom/* images ship busybox sh; Grafana's too).
ENTRYPOINTS = {
    "prometheus": "/bin/prometheus",
    "alertmanager": "/bin/alertmanager",
    "grafana": "/run.sh",
    "blackbox-exporter": "/bin/blackbox_exporter",
}


def secret_check_entrypoint(service: str, paths: list[str]) -> list[str]:
    """`sh -c` that refuses to start when a secret is missing, empty or unreadable, then execs the image's
    own entrypoint with the service's command (`$$` is compose's escape for a literal `$`)."""
    check = (
        f"for f in {' '.join(paths)}; do "
        'if [ ! -r "$$f" ] || [ ! -s "$$f" ]; then '
        'echo "monctl: secret $$f is missing, empty or unreadable by uid $$(id -u)" >&2; exit 1; fi; '
        f'done; exec {ENTRYPOINTS[service]} "$$@"'
    )
    return ["/bin/sh", "-c", check, service]


def _service(
    model: Model, name: str, component: Component, container_port: int | None, **fields: Any
) -> dict[str, Any]:
    """A service with the keys all of ours share, then `fields` (empty ones left out) in a fixed order."""
    service: dict[str, Any] = {
        "image": model.images[name],
        "container_name": model.container_name(name),
        "restart": "unless-stopped",
    }
    if component.port is not None and container_port is not None:
        address = component.bind_address or model.spec.stack.bind_address
        fields["ports"] = [f"{address}:{component.port}:{container_port}"]
    secrets = secrets_by_component(model).get(name, [])
    if secrets:
        fields["secrets"] = secrets
    if files := secret_files_by_component(model).get(name, []):
        fields["entrypoint"] = secret_check_entrypoint(name, [secret_path(f) for f in files])
    if "network_mode" not in fields:
        fields["networks"] = [model.spec.stack.network]
    unknown = set(fields) - set(SERVICE_KEYS)
    if unknown:
        raise AssertionError(f"compose service fields without a place in the order: {sorted(unknown)}")
    service.update((key, fields[key]) for key in SERVICE_KEYS if fields.get(key) not in (None, [], {}))
    return service


def _prometheus(model: Model) -> dict[str, Any]:
    volumes = [_mount("prometheus")]
    volumes += [_mount(f"{kind}_rules") for kind in _rule_kinds(model)]
    volumes.append("prometheus_data:/prometheus")
    return _service(
        model,
        "prometheus",
        model.spec.stack.prometheus,
        PROMETHEUS_PORT,
        command=[
            f"--config.file={COMPOSE.mount('prometheus')}",
            "--storage.tsdb.path=/prometheus",
            f"--storage.tsdb.retention.time={model.spec.prometheus.retention}",
            "--web.enable-lifecycle",
        ],
        volumes=volumes,
        depends_on=["alertmanager"] if "alertmanager" in model.images else [],
        extra_hosts=["host.docker.internal:host-gateway"] if model.spec.stack.node_exporter else [],
        healthcheck=_wget_probe(f"http://localhost:{PROMETHEUS_PORT}/-/ready"),
    )


def _alertmanager(model: Model) -> dict[str, Any]:
    am = model.spec.alertmanager
    templates = [_mount("alertmanager_templates")] if am and am.templates else []
    return _service(
        model,
        "alertmanager",
        model.spec.stack.alertmanager,
        ALERTMANAGER_PORT,
        command=[f"--config.file={COMPOSE.mount('alertmanager')}", "--storage.path=/alertmanager"],
        volumes=[
            _mount("alertmanager"),
            *templates,
            "alertmanager_data:/alertmanager",
        ],
        healthcheck=_wget_probe(f"http://localhost:{ALERTMANAGER_PORT}/-/ready"),
    )


def _grafana(model: Model) -> dict[str, Any]:
    grafana = model.spec.stack.grafana
    return _service(
        model,
        "grafana",
        grafana,
        GRAFANA_PORT,
        environment={
            "GF_SECURITY_ADMIN_USER": grafana.admin_user,
            "GF_SECURITY_ADMIN_PASSWORD__FILE": secret_path(grafana.admin_password_file),
            "GF_USERS_ALLOW_SIGN_UP": "true" if grafana.allow_sign_up else "false",
        },
        volumes=[
            "grafana_data:/var/lib/grafana",
            _mount("grafana_provisioning"),
            # only when dashboards are rendered: a missing bind source would be created empty, by root
            *([_mount("grafana_dashboards")] if model.dashboards else []),
        ],
        depends_on=["prometheus", "loki"] if model.spec.logging is not None else ["prometheus"],
        healthcheck=_wget_probe(f"http://localhost:{GRAFANA_PORT}/api/health"),
    )


def _loki(model: Model, component: Component) -> dict[str, Any]:
    assert model.spec.logging is not None
    return _service(
        model,
        "loki",
        component,
        model.spec.logging.loki.http_port,
        command=[f"-config.file={COMPOSE.mount('loki')}"],
        volumes=[_mount("loki"), "loki_data:/loki"],
    )


def _log_sources(model: Model) -> list[str]:
    """Host mounts the log agent reads: the application log directory and/or the Docker socket."""
    assert model.spec.logging is not None
    logging = model.spec.logging
    mounts: list[str] = []
    if any(isinstance(job, FileLogJob) for job in logging.jobs):
        # the same path inside: `paths:` are host paths, and the agent reads them as written
        mounts.append(f"{logging.host_log_dir}:{logging.host_log_dir}:ro")
    sockets = sorted(
        {
            job.docker.host.removeprefix("unix://")
            for job in logging.jobs
            if isinstance(job, DockerLogJob) and job.docker.host.startswith("unix://")
        }
    )
    mounts += [f"{socket}:{socket}:ro" for socket in sockets]
    return mounts


def _alloy(model: Model, component: Component) -> dict[str, Any]:
    return _service(
        model,
        "alloy",
        component,
        ALLOY_HTTP_PORT,
        command=[
            "run",
            f"--server.http.listen-addr=0.0.0.0:{ALLOY_HTTP_PORT}",
            f"--storage.path={ALLOY_DATA}",
            str(COMPOSE.mount("alloy")),
        ],
        volumes=[
            _mount("alloy"),
            f"alloy_data:{ALLOY_DATA}",
            *_log_sources(model),
        ],
        depends_on=["loki"],
    )


def _promtail(model: Model, component: Component) -> dict[str, Any]:
    assert model.spec.logging is not None
    promtail = model.spec.logging.promtail
    positions_dir = PurePosixPath(promtail.positions_file).parent
    return _service(
        model,
        "promtail",
        component,
        promtail.http_port,
        command=[f"-config.file={COMPOSE.mount('promtail')}"],
        volumes=[
            _mount("promtail"),
            f"promtail_data:{positions_dir}",
            *_log_sources(model),
        ],
        depends_on=["loki"],
    )


def _jaeger(model: Model, component: Component) -> dict[str, Any]:
    assert model.spec.tracing is not None and model.spec.tracing.jaeger is not None
    jaeger = model.spec.tracing.jaeger
    return _service(
        model,
        "jaeger",
        component,
        jaeger.ui_port,
        command=[f"--config={COMPOSE.mount('jaeger')}"],
        volumes=[
            _mount("jaeger"),
            *([f"jaeger_data:{JAEGER_DATA}"] if jaeger.storage == "badger" else []),
        ],
    )


def _node_exporter(model: Model, component: Component) -> dict[str, Any]:
    # The host's PID and network namespaces and its root filesystem (node_exporter's documented
    # container set-up): otherwise it reports the container. On the host network it publishes no
    # port; Prometheus reaches it at host.docker.internal (extra_hosts on the prometheus service).
    port = component.port or NODE_EXPORTER_PORT
    return _service(
        model,
        "node-exporter",
        component,
        None,
        command=["--path.rootfs=/host", f"--web.listen-address=:{port}"],
        volumes=["/:/host:ro,rslave"],
        pid="host",
        network_mode="host",
    )


def _cadvisor(model: Model, component: Component) -> dict[str, Any]:
    return _service(
        model,
        "cadvisor",
        component,
        CADVISOR_PORT,
        volumes=[
            "/:/rootfs:ro",
            "/var/run:/var/run:ro",
            "/sys:/sys:ro",
            "/var/lib/docker/:/var/lib/docker:ro",
            "/dev/disk/:/dev/disk:ro",
        ],
        privileged=True,
        devices=["/dev/kmsg:/dev/kmsg"],
    )


def _blackbox(model: Model) -> dict[str, Any]:
    assert model.spec.probes is not None
    component = model.spec.stack.blackbox or Component()  # its image: Model.images (default table)
    icmp = any(module.prober == "icmp" for module in model.spec.probes.modules)
    return _service(
        model,
        "blackbox-exporter",
        component,
        BLACKBOX_PORT,
        command=[f"--config.file={COMPOSE.mount('blackbox')}"],
        volumes=[_mount("blackbox")],
        cap_add=["NET_RAW"] if icmp else None,  # ICMP probes open raw sockets
    )


def compose_services(model: Model) -> dict[str, dict[str, Any]]:
    """Compose services in a stable order: the ones resolve decided the stack runs (Model.images)."""
    stack = model.spec.stack
    running = model.images
    services: dict[str, dict[str, Any]] = {"prometheus": _prometheus(model)}
    if "alertmanager" in running:
        services["alertmanager"] = _alertmanager(model)
    services["grafana"] = _grafana(model)
    if "loki" in running:
        services["loki"] = _loki(model, stack.loki)
    if "alloy" in running:
        services["alloy"] = _alloy(model, stack.alloy)
    if "promtail" in running:
        services["promtail"] = _promtail(model, stack.promtail)
    if "jaeger" in running:
        services["jaeger"] = _jaeger(model, stack.jaeger)
    if stack.node_exporter is not None:
        services["node-exporter"] = _node_exporter(model, stack.node_exporter)
    if stack.cadvisor is not None:
        services["cadvisor"] = _cadvisor(model, stack.cadvisor)
    if "blackbox-exporter" in running:
        services["blackbox-exporter"] = _blackbox(model)
    return services


def compose_document(model: Model) -> dict[str, Any]:
    """The whole compose file as plain data (no obsolete top-level `version:`)."""
    services = compose_services(model)
    # named volumes in the order services mount them (bind mounts start with . or /)
    named_volumes = [
        volume.split(":", 1)[0]
        for service in services.values()
        for volume in service.get("volumes", [])
        if not volume.startswith((".", "/"))
    ]
    secret_names = sorted({name for service in services.values() for name in service.get("secrets", [])})
    stack = model.spec.stack
    document: dict[str, Any] = {
        "services": services,
        # A fixed name lets the application's compose project join with `external: true`.
        "networks": {stack.network: {"name": stack.network, "driver": "bridge"}},
        "volumes": {name: {} for name in named_volumes},
    }
    if secret_names:
        document["secrets"] = {
            name: {"file": posixpath.join(stack.secrets_dir, name)} for name in secret_names
        }
    return document


def render(model: Model) -> Files:
    """Render the compose file: Prometheus and Grafana, and a service per section the spec has."""
    return {COMPOSE_FILE: dump_yaml(compose_document(model), model.header).encode()}
