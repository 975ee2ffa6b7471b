"""`monctl check` on a kubernetes tree: schemas with unknown fields refused, then the real tools.

There is no API server here, so each resource is checked the way `kubectl apply
--validate=strict` would check it: prometheus-operator resources against the operator's
published CRD schemas (vendored in erpgo_monctl/data/prometheus-operator, 0.93.0) made
strict (unknown fields refused), ConfigMaps and Secrets against the Kubernetes core
schemas of `kubernetes-validate` (strict variant), object metadata by the API server's
name and label rules. Then what is inside the resources goes through the real tools on
scratch files: each PrometheusRule's `spec` is a Prometheus rule file for `promtool
check rules`, and the tests/ files run with `promtool test rules` against those.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from erpgo_monctl.analysis.regex import search
from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.verify.scrape import BLACKBOX_TOOL
from erpgo_monctl.verify.testing import UnitTestResult
from erpgo_monctl.verify.tools import (
    CheckResult,
    Unreadable,
    _load_yaml,
    check_blackbox,
    require,
    run_parallel,
    run_tool,
)

KUSTOMIZATION = "kustomization.yaml"
KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1"
KUBERNETES_VERSION = "1.33.0"  # core schemas of kubernetes-validate the ConfigMaps and Secrets must pass
# (apiVersion, kind) -> vendored schema file of prometheus-operator 0.93.0
OPERATOR_SCHEMAS = {
    ("monitoring.coreos.com/v1", "PrometheusRule"): "prometheusrule-v1.schema.json",
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "servicemonitor-v1.schema.json",
    ("monitoring.coreos.com/v1", "PodMonitor"): "podmonitor-v1.schema.json",
    ("monitoring.coreos.com/v1", "Probe"): "probe-v1.schema.json",
    ("monitoring.coreos.com/v1alpha1", "ScrapeConfig"): "scrapeconfig-v1alpha1.schema.json",
    ("monitoring.coreos.com/v1alpha1", "AlertmanagerConfig"): "alertmanagerconfig-v1alpha1.schema.json",
}
CORE_KINDS = {("v1", "ConfigMap"), ("v1", "Secret")}
MONITORING_V1ALPHA1 = "monitoring.coreos.com/v1alpha1"
DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")
DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
LABEL_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
LABEL_VALUE = re.compile(r"([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?")
CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]{1,253}")
METADATA_KEYS = {"name", "namespace", "labels", "annotations"}


def is_kubernetes_tree(directory: Path) -> bool:
    return (directory / KUSTOMIZATION).is_file()


def strict(schema: Any) -> Any:
    """`schema` with additionalProperties: false on every object that lists properties and does
    not preserve unknown fields: what the API server's strict field validation refuses."""
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result = {key: strict(value) for key, value in schema.items()}
    if (
        "properties" in schema
        and "additionalProperties" not in schema
        and not schema.get("x-kubernetes-preserve-unknown-fields")
    ):
        result["additionalProperties"] = False
    return result


@cache
def operator_validator(schema_file: str) -> Any:
    """A draft-07 validator of the vendored schema, made strict (cached: the big ones are 0.5 MB)."""
    from importlib.resources import files

    import jsonschema

    text = files("erpgo_monctl.data").joinpath("prometheus-operator", schema_file).read_text(encoding="utf-8")
    # the CRDs' patterns are Go regexps (the API server's), e.g. weekdays' `^((?i)sun|mon|...)day`,
    # which Python's re refuses: the pattern keyword runs RE2
    extend: Any = jsonschema.validators.extend  # untyped in jsonschema's stubs
    validator = extend(jsonschema.Draft7Validator, {"pattern": _re2_pattern})
    return validator(strict(json.loads(text)))


def _re2_pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    from jsonschema.exceptions import ValidationError

    if validator.is_type(instance, "string") and not search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _diag(path: Path, where: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(str(path), 1, 1, where, code, "error", message)


def metadata_problems(document: dict[str, Any], path: Path) -> list[Diagnostic]:
    """The API server's rules for names, namespaces, labels and annotations (the CRD schemas say
    only `metadata: {type: object}`)."""
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return [_diag(path, "metadata", "T032", "metadata must be a mapping with name and namespace")]
    found = [
        _diag(path, f"metadata.{key}", "T032", f"unknown metadata field {key!r}")
        for key in metadata
        if key not in METADATA_KEYS
    ]
    name, namespace = metadata.get("name"), metadata.get("namespace")
    if not isinstance(name, str) or len(name) > 253 or not DNS_SUBDOMAIN.fullmatch(name):
        found.append(_diag(path, "metadata.name", "T032", f"name {name!r} is not a DNS-1123 subdomain"))
    if not isinstance(namespace, str) or not DNS_LABEL.fullmatch(namespace):
        found.append(
            _diag(path, "metadata.namespace", "T032", f"namespace {namespace!r} is not a DNS-1123 label")
        )
    labels = metadata.get("labels", {})
    for key, value in labels.items() if isinstance(labels, dict) else []:
        prefix, _, label = str(key).rpartition("/")
        if (prefix and not DNS_SUBDOMAIN.fullmatch(prefix)) or not LABEL_NAME.fullmatch(label):
            found.append(_diag(path, f"metadata.labels.{key}", "T032", f"{key!r} is not a label key"))
        if not isinstance(value, str) or not LABEL_VALUE.fullmatch(value):
            found.append(_diag(path, f"metadata.labels.{key}", "T032", f"{value!r} is not a label value"))
    annotations = metadata.get("annotations", {})
    if not isinstance(annotations, dict) or not all(isinstance(v, str) for v in annotations.values()):
        found.append(_diag(path, "metadata.annotations", "T032", "annotations must map strings to strings"))
    return found


def schema_problems(document: Any, path: Path) -> list[Diagnostic]:
    """Schema errors of one resource (unknown fields included), or the kind is not one we check."""
    if not isinstance(document, dict):
        return [_diag(path, "", "T030", "a resource file must hold one mapping (a Kubernetes object)")]
    key = (document.get("apiVersion"), document.get("kind"))
    if key in OPERATOR_SCHEMAS:
        validator = operator_validator(OPERATOR_SCHEMAS[key])
        found = [
            _diag(
                path,
                ".".join(str(p) for p in error.absolute_path),
                "T030",
                f"{key[1]} schema (prometheus-operator 0.93.0): {error.message}",
            )
            for error in validator.iter_errors(document)
        ]
        if key[1] == "AlertmanagerConfig":
            found += _child_route_problems(document, path)
        return found + metadata_problems(document, path)
    if key in CORE_KINDS:
        return _core_problems(document, path) + metadata_problems(document, path)
    return [_diag(path, "kind", "T030", f"{key[0]}/{key[1]} is not a kind this target renders")]


def _child_route_problems(document: dict[str, Any], path: Path) -> list[Diagnostic]:
    """The CRD lets child routes through unchecked (x-kubernetes-preserve-unknown-fields) while the
    operator reads them as routes: each is held to the strict schema of `spec.route`."""
    import jsonschema

    route_schema = operator_validator(OPERATOR_SCHEMAS[(MONITORING_V1ALPHA1, "AlertmanagerConfig")]).schema
    validator = jsonschema.Draft7Validator(route_schema["properties"]["spec"]["properties"]["route"])
    found: list[Diagnostic] = []
    spec = document.get("spec")
    route = spec.get("route") if isinstance(spec, dict) else None
    pending = [("spec.route", route)] if isinstance(route, dict) else []
    while pending:
        where, route = pending.pop()
        children = route.get("routes", [])
        for index, child in enumerate(children if isinstance(children, list) else []):
            child_where = f"{where}.routes.{index}"
            for error in validator.iter_errors(child):
                inner = ".".join(str(p) for p in error.absolute_path)
                found.append(
                    _diag(path, f"{child_where}.{inner}".rstrip("."), "T030", f"child route: {error.message}")
                )
            if isinstance(child, dict):
                pending.append((child_where, child))
    return found


def _core_problems(document: dict[str, Any], path: Path) -> list[Diagnostic]:
    import kubernetes_validate

    try:
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        where = ".".join(str(p) for p in exc.path)
        schema = f"{document['kind']} schema (Kubernetes {KUBERNETES_VERSION})"
        return [_diag(path, where, "T030", f"{schema}: {exc.message}")]
    data = {**document.get("data", {}), **document.get("stringData", {})}
    return [
        _diag(path, f"data.{key}", "T030", f"{key!r} is not a valid ConfigMap/Secret key ([-._a-zA-Z0-9]+)")
        for key in data
        if not CONFIG_KEY.fullmatch(str(key))
    ]


def kustomization_problems(directory: Path, document: Any) -> list[Diagnostic]:
    """kustomization.yaml lists exactly the resource files at the root of DIR, each once."""
    path = directory / KUSTOMIZATION
    if not isinstance(document, dict):
        return [_diag(path, "", "T031", "kustomization.yaml must be a mapping")]
    found = []
    unknown = set(document) - {"apiVersion", "kind", "resources", "namespace"}
    found += [_diag(path, key, "T031", f"unknown Kustomization field {key!r}") for key in sorted(unknown)]
    if document.get("apiVersion") != KUSTOMIZE_API or document.get("kind") != "Kustomization":
        found.append(_diag(path, "kind", "T031", f"not a Kustomization (apiVersion {KUSTOMIZE_API})"))
    resources = document.get("resources")
    if not isinstance(resources, list) or not all(isinstance(r, str) for r in resources):
        return [*found, _diag(path, "resources", "T031", "resources must be a list of file names")]
    on_disk = {p.name for p in directory.glob("*.yaml") if p.name != KUSTOMIZATION}
    listed = set(resources)
    found += [
        _diag(path, "resources", "T031", f"{name} is listed but does not exist")
        for name in sorted(listed - on_disk)
    ]
    found += [
        _diag(directory / name, "", "T031", f"{name} is not in kustomization.yaml: kubectl apply -k skips it")
        for name in sorted(on_disk - listed)
    ]
    if len(resources) != len(listed):
        found.append(_diag(path, "resources", "T031", "a resource is listed twice"))
    return found


def load_resources(directory: Path) -> tuple[dict[Path, Any], list[Diagnostic]]:
    """Every resource file at the root of DIR, parsed; unreadable ones as diagnostics."""
    documents: dict[Path, Any] = {}
    problems: list[Diagnostic] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            documents[path] = _load_yaml(path)
        except Unreadable as exc:
            problems.append(exc.diagnostic)
    return documents, problems


def kind_of(document: Any) -> str | None:
    return document.get("kind") if isinstance(document, dict) else None


def alertmanager_yaml(document: dict[str, Any]) -> str | None:
    """The alertmanager.yml a resource stands for: the operator's merge of an AlertmanagerConfig,
    or the `alertmanager.yaml` key of a Secret; None for any other resource."""
    from erpgo_monctl.render.kubernetes.operator import operator_alertmanager_config
    from erpgo_monctl.render.yaml_encoder import dump_yaml

    if kind_of(document) == "AlertmanagerConfig":
        return dump_yaml(operator_alertmanager_config(document))
    if kind_of(document) == "Secret":
        text = (document.get("stringData") or {}).get("alertmanager.yaml")
        if text is None and "alertmanager.yaml" in (document.get("data") or {}):
            text = base64.b64decode(document["data"]["alertmanager.yaml"]).decode("utf-8", "replace")
        return text if isinstance(text, str) else None
    return None


@contextmanager
def scratch_tree(directory: Path, documents: dict[Path, Any]) -> Iterator[Path]:
    """A scratch copy of what the real tools read: each PrometheusRule's spec (a Prometheus rule
    file) under the resource's file name, tests/, `<resource>.alertmanager.yml` per
    AlertmanagerConfig or alertmanager Secret, `<resource>.blackbox.yml` per blackbox ConfigMap."""
    from erpgo_monctl.render.yaml_encoder import dump_yaml

    with tempfile.TemporaryDirectory(prefix="monctl-k8s-") as tmp:
        root = Path(tmp)
        if (directory / "tests").is_dir():
            shutil.copytree(directory / "tests", root / "tests")
        for path, document in documents.items():
            if kind_of(document) == "PrometheusRule":
                (root / path.name).write_text(dump_yaml(document.get("spec", {})), encoding="utf-8")
            elif (config := alertmanager_yaml(document)) is not None:
                (root / f"{path.stem}.alertmanager.yml").write_text(config, encoding="utf-8")
            elif (modules := blackbox_yaml(document)) is not None:
                (root / f"{path.stem}.blackbox.yml").write_text(modules, encoding="utf-8")
        yield root


def blackbox_yaml(document: Any) -> str | None:
    """The blackbox exporter modules a ConfigMap holds (key blackbox.yml), else None."""
    if kind_of(document) != "ConfigMap":
        return None
    data = document.get("data") or {}
    value = data.get("blackbox.yml") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def dashboard_problems(documents: dict[Path, Any]) -> list[Diagnostic]:
    """Dashboards in `grafana_dashboard` ConfigMaps: the Grafana schema and our dashboard rules, with
    the datasource uids the `grafana_datasource` ConfigMaps provision."""
    from erpgo_monctl.verify.dashboards import bundled_schema_path, check_dashboard, check_dashboard_schema

    def labelled(label: str) -> list[tuple[Path, dict[str, str]]]:
        return [
            (path, doc.get("data") or {})
            for path, doc in documents.items()
            if kind_of(doc) == "ConfigMap" and (doc.get("metadata", {}).get("labels") or {}).get(label) == "1"
        ]

    found: list[Diagnostic] = []
    uids: set[str] = set()
    for path, data in labelled("grafana_datasource"):
        for key, text in data.items():
            try:
                provisioning = YAML(typ="safe", pure=False).load(text)
                uids |= {
                    d["uid"] for d in provisioning.get("datasources", []) if isinstance(d.get("uid"), str)
                }
            except (YAMLError, AttributeError, TypeError) as exc:
                found.append(_diag(path, f"data.{key}", "T003", f"cannot read datasources: {exc}"))
    for path, data in labelled("grafana_dashboard"):
        for key, text in data.items():
            file = f"{path}:data.{key}"
            try:
                doc = json.loads(text)
            except ValueError as exc:
                found.append(_diag(path, f"data.{key}", "T003", f"dashboard is not JSON: {exc}"))
                continue
            found += check_dashboard_schema(doc, file=file, schema_path=bundled_schema_path())
            found += check_dashboard(doc, file=file, provisioned_uids=uids)
    return found


def check_kubernetes_tree(directory: Path) -> list[CheckResult]:
    """Every check of a kubernetes tree: kustomization, schemas, dashboards, then promtool and amtool."""
    documents, unreadable = load_resources(directory)
    kustomization = documents.pop(directory / KUSTOMIZATION, None)
    found = unreadable + kustomization_problems(directory, kustomization)
    results = [CheckResult("kustomization: lists every resource", not found, found)]
    found = [d for path, doc in documents.items() for d in schema_problems(doc, path)]
    results.append(CheckResult("schemas: unknown fields refused", not found, found))
    found = dashboard_problems(documents)
    results.append(CheckResult("grafana: dashboard schema and rules", not found, found))
    promtool = require("promtool")
    with scratch_tree(directory, documents) as scratch:
        commands = [
            (
                f"promtool check rules {path.name}",
                [promtool, "check", "rules", str(scratch / path.name)],
                path,
            )
            for path, document in documents.items()
            if kind_of(document) == "PrometheusRule"
        ]
        configs = sorted(scratch.glob("*.alertmanager.yml"))
        if configs:
            amtool = require("amtool")
            commands += [
                (
                    f"amtool check-config {config.name.removesuffix('.alertmanager.yml')}.yaml",
                    [amtool, "check-config", str(config)],
                    directory / f"{config.name.removesuffix('.alertmanager.yml')}.yaml",
                )
                for config in configs
            ]
        blackbox = [
            partial(
                check_blackbox,
                require(BLACKBOX_TOOL),
                path,
                directory / path.name.replace(".blackbox.yml", ".yaml"),
            )
            for path in sorted(scratch.glob("*.blackbox.yml"))
        ]
        commands += [
            (
                f"promtool test rules {test.name}",
                [promtool, "test", "rules", str(test)],
                directory / "tests" / test.name,
            )
            for test in sorted((scratch / "tests").glob("*.yml"))
        ]
        results += run_parallel([*blackbox, *(partial(run_tool, *command) for command in commands)])
    return results


def run_kubernetes_tests(model: Model, root: Path) -> list[UnitTestResult]:
    """`monctl test --target kubernetes` on the tree rendered into `root`: the same promtool unit
    tests on the PrometheusRules' groups, and the spec's route tests through amtool on the
    operator's merge of the AlertmanagerConfig (receivers renamed <namespace>/<name>/<receiver>,
    the namespace label the alerts carry added)."""
    from erpgo_monctl.render.kubernetes.alertmanager import alertmanager_config_name
    from erpgo_monctl.render.kubernetes.operator import receiver_name
    from erpgo_monctl.render.kubernetes.resources import settings
    from erpgo_monctl.verify.testing import run_route_tests, run_test_files

    promtool = require("promtool")
    am = model.spec.alertmanager
    amtool = require("amtool") if am is not None and am.route_tests else ""
    config = settings(model)
    documents, _ = load_resources(root)
    with scratch_tree(root, documents) as scratch:
        results = run_test_files(model, scratch, promtool)
        if not amtool:
            return results
        merged = next(scratch.glob("*.alertmanager.yml"))
        if config.alertmanager_mode == "alertmanager_config":
            name = alertmanager_config_name(model)
            extra = {"namespace": config.namespace} if config.namespace_label else {}
            return results + run_route_tests(
                model,
                scratch,
                amtool,
                merged,
                lambda receiver: receiver_name(config.namespace, name, receiver),
                extra,
            )
        return results + run_route_tests(model, scratch, amtool, merged)
