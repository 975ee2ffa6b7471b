"""prometheus.yml -> `prometheus`, `services`, `exporters`, and the rule files it loads.

Keys are checked against Prometheus' current configuration reference (3.x), not the
older promtool here: a key newer than promtool 2.42 is known, and reported as not
carried over when the spec has no field for it (never refused as unknown, never dropped).
"""

from __future__ import annotations

import glob
from pathlib import Path
from typing import Any

from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.importer.context import (
    DEPRECATED,
    MISSING_FILE,
    Document,
    Findings,
    as_list,
    as_str,
    check_keys,
    slug,
)
from erpgo_monctl.importer.draft import Draft
from erpgo_monctl.spec.types import DURATION_RE

TOP_KEYS = (
    "global",
    "alerting",
    "rule_files",
    "scrape_config_files",
    "scrape_configs",
    "storage",
    "tracing",
    "remote_write",
    "remote_read",
    "otlp",
    "runtime",
    "recording_rules",
)
# limits a job may set and the global section may default (both lists of Prometheus' reference)
SCRAPE_LIMIT_KEYS = (
    "body_size_limit",
    "sample_limit",
    "label_limit",
    "label_name_length_limit",
    "label_value_length_limit",
    "target_limit",
    "keep_dropped_targets",
)
GLOBAL_KEYS = (
    "scrape_interval",
    "scrape_timeout",
    "evaluation_interval",
    "external_labels",
    "scrape_protocols",
    "rule_query_offset",
    "query_log_file",
    "scrape_failure_log_file",
    *SCRAPE_LIMIT_KEYS,
    "metric_name_validation_scheme",
    "metric_name_escaping_scheme",
    "always_scrape_classic_histograms",
    "convert_classic_histograms_to_nhcb",
    "scrape_native_histograms",
    "extra_scrape_metrics",
)
SD_KINDS = (
    "azure",
    "consul",
    "digitalocean",
    "docker",
    "dockerswarm",
    "dns",
    "ec2",
    "eureka",
    "file",
    "gce",
    "hetzner",
    "http",
    "ionos",
    "kubernetes",
    "kuma",
    "lightsail",
    "linode",
    "marathon",
    "nerve",
    "nomad",
    "openstack",
    "ovhcloud",
    "puppetdb",
    "scaleway",
    "serverset",
    "stackit",
    "triton",
    "uyuni",
    "vultr",
)
SCRAPE_KEYS = (
    "job_name",
    "scrape_interval",
    "scrape_timeout",
    "metrics_path",
    "scheme",
    "static_configs",
    "scrape_protocols",
    "scrape_failure_log_file",
    "fallback_scrape_protocol",
    "always_scrape_classic_histograms",
    "convert_classic_histograms_to_nhcb",
    "scrape_classic_histograms",
    "params",
    "honor_labels",
    "honor_timestamps",
    "track_timestamps_staleness",
    "enable_compression",
    "enable_http2",
    "follow_redirects",
    "basic_auth",
    "authorization",
    "oauth2",
    "bearer_token",
    "bearer_token_file",
    "tls_config",
    "proxy_url",
    "no_proxy",
    "proxy_from_environment",
    "proxy_connect_header",
    "http_headers",
    "relabel_configs",
    "metric_relabel_configs",
    *SCRAPE_LIMIT_KEYS,
    "native_histogram_bucket_limit",
    "native_histogram_min_bucket_factor",
    "metric_name_validation_scheme",
    "metric_name_escaping_scheme",
    *(f"{kind}_sd_configs" for kind in SD_KINDS),
)
SCRAPE_SUPPORTED = (
    "job_name",
    "scrape_interval",
    "scrape_timeout",
    "metrics_path",
    "scheme",
    "static_configs",
)
# Prometheus' defaults: written out so the rendered config means the same as the input.
PROMETHEUS_DEFAULTS = {"scrape_interval": "1m", "scrape_timeout": "10s", "evaluation_interval": "1m"}
# (kind, default port, words in a job name) -> exporter kinds of the spec
EXPORTER_HINTS = (
    ("node", "9100", ("node",)),
    ("postgres", "9187", ("postgres",)),
    ("redis", "9121", ("redis",)),
    ("docker", "9323", ("docker",)),
    ("cadvisor", "", ("cadvisor",)),
    ("blackbox", "9115", ("blackbox",)),
    ("mysql", "9104", ("mysql",)),
    ("process", "9256", ("process",)),
)
SECRET_FIELDS = {"password", "credentials", "bearer_token", "client_secret"}


def import_prometheus_config(found: Findings, draft: Draft, doc: Document, load_rules: Any) -> None:
    """The whole prometheus.yml; `load_rules(path, display)` imports one rule file it names."""
    data = check_keys(found, doc, (), doc.data, TOP_KEYS, "a Prometheus configuration")
    _global(found, draft, doc, data.get("global"))
    _alerting(found, draft, doc, data.get("alerting"))
    for index, job in enumerate(as_list(found, doc, ("scrape_configs",), data.get("scrape_configs"), "jobs")):
        _scrape_job(found, draft, doc, ("scrape_configs", index), job)
    for index, remote in enumerate(as_list(found, doc, ("remote_write",), data.get("remote_write"), "list")):
        _remote_write(found, draft, doc, ("remote_write", index), remote)
    for key in ("scrape_config_files", "storage", "tracing", "remote_read", "otlp", "runtime"):
        if key in data:
            found.lost(doc, (key,), f"the spec has no `{key}` section")
    if "recording_rules" in data:
        found.add(
            doc,
            ("recording_rules",),
            DEPRECATED,
            "warning",
            "Prometheus refuses `recording_rules` inside prometheus.yml (promtool check config fails): "
            "its groups are imported as rule groups and rendered into recording_rules.yml",
            key=True,
        )
        from erpgo_monctl.importer.rules import import_rule_file

        import_rule_file(found, draft, doc, data["recording_rules"], ("recording_rules",))
    base = doc.path.parent
    for index, entry in enumerate(as_list(found, doc, ("rule_files",), data.get("rule_files"), "a list")):
        pattern = as_str(found, doc, ("rule_files", index), entry, "a rule file path")
        if pattern is None:
            continue
        full = pattern if Path(pattern).is_absolute() else str(base / pattern)
        matches = sorted(glob.glob(full)) if glob.has_magic(pattern) else [full]
        for match in matches:
            if not Path(match).is_file():
                found.add(doc, ("rule_files", index), MISSING_FILE, "error", f"rule file {match} not found")
                continue
            load_rules(Path(match))


def _global(found: Findings, draft: Draft, doc: Document, value: Any) -> None:
    settings = check_keys(found, doc, ("global",), value or {}, GLOBAL_KEYS, "the global section")
    for key, default in PROMETHEUS_DEFAULTS.items():
        text = settings.get(key, default)
        if not isinstance(text, str) or not DURATION_RE.fullmatch(text):
            found.add(doc, ("global", key), "I002", "error", f"{text!r} is not a duration (e.g. 15s)")
            continue
        draft.prometheus[key] = text
    labels = settings.get("external_labels")
    if labels:
        draft.prometheus["external_labels"] = {str(k): str(v) for k, v in labels.items()}
    for key in settings:
        if key not in (*PROMETHEUS_DEFAULTS, "external_labels"):
            found.lost(doc, ("global", key), f"the spec's `prometheus` section has no `{key}`")


def _alerting(found: Findings, draft: Draft, doc: Document, value: Any) -> None:
    if value is None:
        found.added(
            doc, (), "no `alerting:` section: the rendered Prometheus sends alerts to alertmanager:9093"
        )
        return
    alerting = check_keys(
        found, doc, ("alerting",), value, ("alertmanagers", "alert_relabel_configs"), "alerting"
    )
    if "alert_relabel_configs" in alerting:
        found.lost(doc, ("alerting", "alert_relabel_configs"), "the spec has no alert relabelling")
    targets: list[str] = []
    for a, manager in enumerate(
        as_list(found, doc, ("alerting", "alertmanagers"), alerting.get("alertmanagers"), "")
    ):
        path = ("alerting", "alertmanagers", a)
        if not isinstance(manager, dict):
            continue
        for key in manager:
            if key != "static_configs":
                found.lost(doc, (*path, key), f"the spec names Alertmanagers by host:port only (no `{key}`)")
        for s, static in enumerate(
            as_list(found, doc, (*path, "static_configs"), manager.get("static_configs"), "")
        ):
            if isinstance(static, dict):
                targets += [str(t) for t in static.get("targets") or []]
                if static.get("labels"):
                    found.lost(doc, (*path, "static_configs", s, "labels"), "Alertmanager target labels")
    if targets:
        draft.prometheus["alertmanagers"] = targets
    else:
        found.added(
            doc, ("alerting",), "no Alertmanager target: the rendered Prometheus uses alertmanager:9093"
        )


def _exporter_kind(name: str, targets: list[str]) -> str | None:
    ports = {t.rpartition(":")[2] for t in targets}
    for kind, port, words in EXPORTER_HINTS:
        if any(word in name.lower() for word in words) or (port and ports == {port}):
            return kind
    return None


def _scrape_job(found: Findings, draft: Draft, doc: Document, path: PathKey, value: Any) -> None:
    job = check_keys(found, doc, path, value, SCRAPE_KEYS, "a scrape config")
    name = as_str(found, doc, (*path, "job_name"), job.get("job_name"), "job_name") if job else None
    if name is None:
        return
    for key in job:
        if key not in SCRAPE_SUPPORTED:
            reason = (
                "the spec's scrape jobs have static targets only (service discovery is issue 13)"
                if key.endswith("_sd_configs")
                else f"the spec's scrape jobs have no `{key}` yet"
            )
            secret = " (its secret value is not copied anywhere)" if _holds_secret(job[key]) else ""
            found.lost(doc, (*path, key), f"job {name}: {reason}{secret}")
    scheme = str(job.get("scheme", "http"))
    targets, labels = _static_targets(found, doc, path, job, scheme)
    if not targets:
        found.lost(doc, path, f"job {name} has no static targets: the spec cannot express it")
        return
    spec_name = slug(name)
    if spec_name != name:
        found.changed(
            doc,
            (*path, "job_name"),
            f"job name {name!r} is not a slug: imported as {spec_name!r} (the `job` label of its series "
            'changes; rules and routes matching job="..." must follow)',
        )
    if spec_name in draft.job_names:
        found.add(
            doc, (*path, "job_name"), "I002", "error", f"duplicate job_name {name!r}: Prometheus refuses it"
        )
        return
    draft.job_names.add(spec_name)
    entry: dict[str, Any] = {"name": spec_name}
    kind = _exporter_kind(name, targets) if scheme == "http" else None
    if kind:
        entry["kind"] = kind
    entry["targets"] = targets
    for key in ("metrics_path", "scrape_interval", "scrape_timeout"):
        if key in job:
            entry[key] = str(job[key])
    if scheme != "http" and not kind:
        entry["scheme"] = scheme
    if labels:
        entry["labels"] = labels
    (draft.exporters if kind else draft.services).append(draft.item(entry, doc, path))


def _static_targets(
    found: Findings, doc: Document, path: PathKey, job: dict[str, Any], scheme: str
) -> tuple[list[str], dict[str, str]]:
    targets: list[str] = []
    labels: dict[str, str] | None = None
    for s, static in enumerate(
        as_list(found, doc, (*path, "static_configs"), job.get("static_configs"), "list")
    ):
        spath = (*path, "static_configs", s)
        static = check_keys(found, doc, spath, static, ("targets", "labels"), "a static config")
        for t, target in enumerate(as_list(found, doc, (*spath, "targets"), static.get("targets"), "list")):
            text = str(target)
            host, sep, port = text.rpartition(":")
            if not sep or not port.isdigit() or host.endswith(":"):
                default = "443" if scheme == "https" else "80"
                found.changed(
                    doc,
                    (*spath, "targets", t),
                    f"target {text!r} has no port: imported as {text}:{default} (its instance label changes)",
                )
                text = f"{text}:{default}"
            targets.append(text)
        these = {str(k): str(v) for k, v in (static.get("labels") or {}).items()}
        for key in [k for k in these if k.startswith("__")]:
            found.lost(doc, (*spath, "labels", key), f"reserved label {key} (use the job's own field)")
            del these[key]
        if labels is None:
            labels = these
        elif these != labels:
            found.lost(
                doc,
                (*spath, "labels"),
                "a job's static configs carry different labels; the spec has one label set per job "
                "(split the job, or move the labels into relabelling)",
            )
    return targets, labels or {}


def _holds_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return any(k in SECRET_FIELDS or _holds_secret(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return False


def _remote_write(found: Findings, draft: Draft, doc: Document, path: PathKey, value: Any) -> None:
    if not isinstance(value, dict) or "url" not in value:
        found.add(doc, path, "I002", "error", "a remote_write entry is a mapping with `url:`")
        return
    entry: dict[str, Any] = {"url": str(value["url"])}
    label = slug(str(value.get("name") or f"remote-write-{path[-1]}"))
    if value.get("name"):
        entry["name"] = str(value["name"])
    auth = value.get("basic_auth")
    if isinstance(auth, dict):
        basic: dict[str, Any] = {"username": str(auth.get("username", ""))}
        if "password" in auth:
            basic["password_file"] = f"{label}-password"
            found.secret(doc, (*path, "basic_auth", "password"), "password_file", basic["password_file"])
        elif "password_file" in auth:
            basic["password_file"] = _secret_name(found, doc, (*path, "basic_auth", "password_file"), auth)
        entry["basic_auth"] = basic
    token_key = next((k for k in ("bearer_token", "bearer_token_file") if k in value), None)
    authz = value.get("authorization")
    if isinstance(authz, dict):
        if "credentials" in authz:
            entry["bearer_token_file"] = f"{label}-token"
            found.secret(
                doc, (*path, "authorization", "credentials"), "bearer_token_file", entry["bearer_token_file"]
            )
        elif "credentials_file" in authz:
            entry["bearer_token_file"] = _secret_name(
                found, doc, (*path, "authorization", "credentials_file"), authz
            )
    elif token_key == "bearer_token":
        entry["bearer_token_file"] = f"{label}-token"
        found.secret(doc, (*path, "bearer_token"), "bearer_token_file", entry["bearer_token_file"])
    elif token_key == "bearer_token_file":
        entry["bearer_token_file"] = _secret_name(found, doc, (*path, "bearer_token_file"), value)
    handled = {"url", "name", "basic_auth", "authorization", "bearer_token", "bearer_token_file"}
    for key in value:
        if key not in handled:
            found.lost(doc, (*path, key), f"the spec's remote_write has no `{key}`")
    draft.prometheus.setdefault("remote_write", []).append(draft.item(entry, doc, path))


def _secret_name(found: Findings, doc: Document, path: PathKey, holder: dict[str, Any]) -> str:
    """A secret file the input already uses: the spec names files in its secrets directory."""
    original = str(holder[str(path[-1])])
    name = Path(original).name
    if name != original:
        found.changed(
            doc,
            path,
            f"secret file {original}: the spec reads secrets from its secrets directory; "
            f"copy it to secrets/{name} (rendered as /run/secrets/{name})",
        )
    return name
