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

import json
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path
from typing import Any

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.verify.tools import CheckResult, Unreadable, _load_yaml, require, run_parallel, run_tool

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
    return jsonschema.Draft7Validator(strict(json.loads(text)))


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
        return found + metadata_problems(document, path)
    if key in CORE_KINDS:
        return _core_problems(document, path) + metadata_problems(document, path)
    return [_diag(path, "kind", "T030", f"{key[0]}/{key[1]} is not a kind this target renders")]


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


@contextmanager
def promtool_tree(directory: Path, documents: dict[Path, Any]) -> Iterator[Path]:
    """A scratch copy of DIR where each PrometheusRule file holds its spec (a Prometheus rule file)."""
    from erpgo_monctl.render.yaml_encoder import dump_yaml

    with tempfile.TemporaryDirectory(prefix="monctl-k8s-") as tmp:
        root = Path(tmp)
        if (directory / "tests").is_dir():
            shutil.copytree(directory / "tests", root / "tests")
        for path, document in documents.items():
            if isinstance(document, dict) and document.get("kind") == "PrometheusRule":
                (root / path.name).write_text(dump_yaml(document.get("spec", {})), encoding="utf-8")
        yield root


def check_kubernetes_tree(directory: Path) -> list[CheckResult]:
    """Every check of a kubernetes tree: kustomization, schemas, promtool on rules and tests."""
    documents, unreadable = load_resources(directory)
    kustomization = documents.pop(directory / KUSTOMIZATION, None)
    results = [
        CheckResult(
            "kustomization: lists every resource",
            not (found := unreadable + kustomization_problems(directory, kustomization)),
            found,
        )
    ]
    schema_found = [d for path, doc in documents.items() for d in schema_problems(doc, path)]
    results.append(CheckResult("schemas: unknown fields refused", not schema_found, schema_found))
    promtool = require("promtool")
    with promtool_tree(directory, documents) as scratch:
        commands = [
            (
                f"promtool check rules {path.name}",
                [promtool, "check", "rules", str(scratch / path.name)],
                path,
            )
            for path, document in documents.items()
            if isinstance(document, dict) and document.get("kind") == "PrometheusRule"
        ]
        commands += [
            (
                f"promtool test rules {test.name}",
                [promtool, "test", "rules", str(test)],
                directory / "tests" / test.name,
            )
            for test in sorted((scratch / "tests").glob("*.yml"))
        ]
        results += run_parallel([partial(run_tool, *command) for command in commands])
    return results
