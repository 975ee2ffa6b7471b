"""Running the real checkers on a rendered tree: promtool, amtool, the Compose schema, dashboard rules.

A missing binary is an error of its own (exit 3) that says how to install it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, ToolMissingError

INSTALL_HINTS = {
    "promtool": "install it with `apt-get install prometheus` (Debian/Ubuntu) or from prometheus.io/download",
    "amtool": "install it with `apt-get install prometheus-alertmanager` (Debian/Ubuntu) "
    "or from prometheus.io/download",
}
TOOL_TIMEOUT_S = 300
# files every rendered tree has (SPEC.md output layout); rule files depend on the spec
REQUIRED_FILES = (
    "docker-compose.monitoring.yml",
    "configs/grafana/provisioning/datasources/datasources.yml",
    "configs/grafana/provisioning/dashboards/dashboards.yml",
)


@dataclass
class CheckResult:
    name: str
    ok: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)


def require(tool: str) -> str:
    """Absolute path of `tool`, or ToolMissingError naming how to install it."""
    found = shutil.which(tool)
    if not found:
        raise ToolMissingError(
            [
                Diagnostic(
                    "<monctl>",
                    0,
                    0,
                    "",
                    "T000",
                    "error",
                    f"{tool} not found on PATH: {INSTALL_HINTS.get(tool, '')}",
                )
            ]
        )
    return found


def operand(path: Path) -> str:
    """A path as a command-line operand that no tool can read as an option (`-x/configs` -> `./-x/...`)."""
    text = str(path)
    return f"./{text}" if text.startswith("-") else text


def run_tool(name: str, argv: list[str], file: Path) -> CheckResult:
    """Run one checker command; its output becomes diagnostics on failure."""
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        return CheckResult(
            name,
            False,
            [
                Diagnostic(
                    str(file), 1, 1, "", "T002", "error", f"{argv[0]} timed out after {TOOL_TIMEOUT_S}s"
                )
            ],
        )
    if proc.returncode == 0:
        return CheckResult(name, True)
    output = (proc.stdout + proc.stderr).strip().splitlines()
    lines = [line.strip() for line in output if line.strip()] or [f"exit code {proc.returncode}"]
    return CheckResult(
        name, False, [Diagnostic(str(file), 1, 1, "", "T001", "error", f"{name}: {line}") for line in lines]
    )


class Unreadable(Exception):
    """A rendered file that is not valid YAML/JSON/UTF-8 any more: reported, never a traceback."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(problem)
        self.diagnostic = Diagnostic(
            str(path), 1, 1, "", "T003", "error", f"cannot read {path.name}: {problem}"
        )


def _load_yaml(path: Path) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        return YAML(typ="safe", pure=False).load(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError, OSError) as exc:
        raise Unreadable(path, " ".join(str(exc).split())[:300]) from None


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise Unreadable(path, str(exc)) from None


def check_compose(path: Path) -> CheckResult:
    """Validate the compose file against the Compose Specification schema vendored by check-jsonschema."""
    from importlib.resources import files

    import jsonschema

    schema = json.loads(
        files("check_jsonschema.builtin_schemas.vendor").joinpath("compose-spec.json").read_text()
    )
    validator = jsonschema.Draft7Validator(schema)
    try:
        document = _load_yaml(path)
    except Unreadable as exc:
        return CheckResult("compose: Compose Specification schema", False, [exc.diagnostic])
    found = [
        Diagnostic(
            str(path),
            1,
            1,
            ".".join(str(p) for p in err.absolute_path),
            "T010",
            "error",
            f"compose schema: {err.message}",
        )
        for err in validator.iter_errors(document)
    ]
    return CheckResult("compose: Compose Specification schema", not found, found)


def check_dashboards(directory: Path) -> CheckResult:
    """Grafana dashboards: the published dashboard schema plus our own rules (no Grafana server here)."""
    from erpgo_monctl.verify.dashboards import bundled_schema_path, check_dashboard, check_dashboard_schema

    name = "grafana: dashboard schema and rules"
    datasources = directory / "configs/grafana/provisioning/datasources/datasources.yml"
    found: list[Diagnostic] = []
    try:
        document = _load_yaml(datasources) if datasources.is_file() else {}
        entries = document.get("datasources", []) if isinstance(document, dict) else []
        uids = {ds["uid"] for ds in entries if isinstance(ds, dict) and isinstance(ds.get("uid"), str)}
    except Unreadable as exc:
        found.append(exc.diagnostic)
        uids = set()
    for path in sorted((directory / "configs/grafana/dashboards").rglob("*.json")):
        try:
            doc = _load_json(path)
        except Unreadable as exc:
            found.append(exc.diagnostic)
            continue
        found += check_dashboard_schema(doc, file=str(path), schema_path=bundled_schema_path())
        found += check_dashboard(doc, file=str(path), provisioned_uids=uids)
    return CheckResult(name, not found, found)


def _compose_runs(compose: Path, service: str) -> bool:
    """True when the rendered compose file has `service` (False when it is absent or unreadable)."""
    try:
        document = _load_yaml(compose) if compose.is_file() else None
    except Unreadable:
        return False
    services = document.get("services") if isinstance(document, dict) else None
    return isinstance(services, dict) and service in services


def check_secrets(compose: Path, secrets_dir: Path | None) -> CheckResult | None:
    """The secret files compose mounts, as the containers' users will read them (None: nothing to check).

    Without `secrets_dir`, the directory the compose file names is checked when it exists; a tree
    checked in CI, with no secrets beside it, is not an error.
    """
    from erpgo_monctl.verify.secrets import check_secret_files, declared_files

    try:
        document = _load_yaml(compose)
    except Unreadable:
        return None  # check_compose reports it
    if not isinstance(document, dict):
        return None
    files = declared_files(compose, document, secrets_dir)
    if not files:
        return None
    if secrets_dir is None and not any(path.parent.is_dir() for path in files.values()):
        return CheckResult(f"secrets: not checked ({next(iter(files.values())).parent} does not exist)", True)
    found = check_secret_files(document, files)
    return CheckResult("secrets: present and readable by their services", not found, found)


def check_tree(directory: Path, secrets_dir: Path | None = None) -> list[CheckResult]:
    """Every checker that applies to a rendered compose tree and its secrets (kubernetes: kubernetes.py)."""
    configs = directory / "configs"
    if not (configs / "prometheus.yml").is_file():
        raise MonctlError(
            f"{directory} does not look like monctl output (no configs/prometheus.yml, no "
            "kustomization.yaml): run `monctl render SPEC --out DIR` first",
            "T005",
        )
    promtool, amtool = require("promtool"), require("amtool")
    results = [
        run_tool(
            "promtool check config",
            [promtool, "check", "config", operand(configs / "prometheus.yml")],
            configs / "prometheus.yml",
        )
    ]
    for rules in sorted(configs.glob("*_rules.yml")):
        results.append(
            run_tool(
                f"promtool check rules {rules.name}", [promtool, "check", "rules", operand(rules)], rules
            )
        )
    alertmanager = configs / "alertmanager.yml"
    compose = directory / "docker-compose.monitoring.yml"
    # a spec without `alertmanager:` renders neither the file nor the service; with the service it is needed
    required_files = list(REQUIRED_FILES)
    if alertmanager.exists() or _compose_runs(compose, "alertmanager"):
        results.append(
            run_tool("amtool check-config", [amtool, "check-config", operand(alertmanager)], alertmanager)
        )
        required_files.append("configs/alertmanager.yml")
    for required in required_files:
        if not (directory / required).exists():
            message = f"{required} is missing: the contract's output layout requires it; render again"
            results.append(
                CheckResult(
                    f"layout: {required}",
                    False,
                    [Diagnostic(str(directory / required), 0, 0, "", "T004", "error", message)],
                )
            )
    if compose.is_file():
        results.append(check_compose(compose))
        if (secrets := check_secrets(compose, secrets_dir)) is not None:
            results.append(secrets)
    if (configs / "grafana/dashboards").is_dir():
        results.append(check_dashboards(directory))
    tests = directory / "tests"
    if tests.is_dir():
        for test in sorted(tests.glob("*.yml")):
            results.append(
                run_tool(f"promtool test rules {test.name}", [promtool, "test", "rules", operand(test)], test)
            )
    return results
