"""Running the real checkers on a rendered tree: promtool, amtool, the Compose schema, dashboard rules.

Which checker runs on which file comes from the layout table (resolve/layout.py); every
checker of a tree runs in one parallel runner (`run_parallel`), shared with `monctl test`.
A missing binary is an error of its own (exit 3) that says how to install it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, get_args

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, ToolMissingError
from erpgo_monctl.resolve.layout import COMPOSE, Checker, Layout
from erpgo_monctl.verify.scrape import BLACKBOX_TOOL, SECRETS_PREFIX, secrets_to, strip_unloadable

INSTALL_HINTS = {
    "promtool": "install it with `apt-get install prometheus` (Debian/Ubuntu) or from prometheus.io/download",
    "amtool": "install it with `apt-get install prometheus-alertmanager` (Debian/Ubuntu) "
    "or from prometheus.io/download",
    BLACKBOX_TOOL: "install it with `apt-get install prometheus-blackbox-exporter` (Debian/Ubuntu) "
    "or from prometheus.io/download",
}
TOOL_TIMEOUT_S = 300


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


def implied_files(directory: Path, layout: Layout = COMPOSE) -> list[str]:
    """Files the tree itself says must be there: the config of each service the compose file runs
    (placements naming a `service`), and a runbook per alert.

    Render writes a service's config whenever the compose file runs that service (Loki and the
    chosen log agent for `logging:`, Alertmanager for `alertmanager:` ...) and one runbook per
    alert name of the rule files; a tree with part of either was not rendered whole.
    """
    keys = {placement.key for placement in layout.placements}
    compose = directory / COMPOSE.path("compose")  # absent from other targets' trees: no service runs
    running = _compose_services(compose)
    implied = [str(p.path) for p in layout.placements if p.service is not None and p.service in running]
    names: set[str] = set()
    rule_files = [p.path for p in layout.placements if p.checker == "promtool-rules" and p.pattern is None]
    for rules in (directory / path for path in rule_files):
        if not rules.is_file():
            continue
        try:
            document = _load_yaml(rules)
        except Unreadable:
            continue  # reported by promtool
        groups = document.get("groups", []) if isinstance(document, dict) else []
        for group in groups if isinstance(groups, list) else []:
            for rule in group.get("rules", []) if isinstance(group, dict) else []:
                if isinstance(rule, dict) and isinstance(rule.get("alert"), str):
                    names.add(rule["alert"])
    if "runbooks" in keys:
        implied += [str(layout.path("runbooks") / f"{name}.md") for name in sorted(names)]
    return implied


def operand(path: Path) -> str:
    """A path as a command-line operand that no tool can read as an option (`-x/configs` -> `./-x/...`)."""
    text = str(path)
    return f"./{text}" if text.startswith("-") else text


Result = TypeVar("Result")


def run_parallel(tasks: Sequence[Callable[[], Result]]) -> list[Result]:
    """Run every task (most wait on a subprocess) on one thread per core; results in the order given."""
    if len(tasks) <= 1:
        return [task() for task in tasks]
    with ThreadPoolExecutor(max_workers=max(1, min(len(tasks), os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda task: task(), tasks))


@dataclass(frozen=True)
class ToolRun:
    """How one checker command ended: its exit code (None when it timed out) and its output."""

    returncode: int | None
    output: str


def run_command(argv: Sequence[str], cwd: Path | None = None) -> ToolRun:
    """One checker process, bounded by TOOL_TIMEOUT_S."""
    try:
        proc = subprocess.run(
            list(argv), cwd=cwd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return ToolRun(None, f"{argv[0]} timed out after {TOOL_TIMEOUT_S}s")
    return ToolRun(proc.returncode, proc.stdout + proc.stderr)


def run_tool(name: str, argv: list[str], file: Path) -> CheckResult:
    """Run one checker command; its output becomes diagnostics on failure."""
    run = run_command(argv)
    if run.returncode is None:
        return CheckResult(name, False, [Diagnostic(str(file), 1, 1, "", "T002", "error", run.output)])
    if run.returncode == 0:
        return CheckResult(name, True)
    output = run.output.strip().splitlines()
    lines = [line.strip() for line in output if line.strip()] or [f"exit code {run.returncode}"]
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


def _no_constant(name: str) -> Any:
    """Python's json reads NaN/Infinity; JSON (RFC 8259) and Grafana's parser do not."""
    raise ValueError(f"{name} is not JSON (RFC 8259 has no NaN or Infinity)")


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"), parse_constant=_no_constant)
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


def check_dashboards(directory: Path, layout: Layout = COMPOSE) -> CheckResult:
    """Grafana dashboards: the published dashboard schema plus our own rules (no Grafana server here)."""
    from erpgo_monctl.load.json_source import json_source
    from erpgo_monctl.verify.dashboards import bundled_schema_path, check_dashboard, check_dashboard_schema

    name = "grafana: dashboard schema and rules"
    datasources = directory / layout.path("grafana_datasources")
    found: list[Diagnostic] = []
    try:
        document = _load_yaml(datasources) if datasources.is_file() else {}
        entries = document.get("datasources", []) if isinstance(document, dict) else []
        uids = {ds["uid"] for ds in entries if isinstance(ds, dict) and isinstance(ds.get("uid"), str)}
    except Unreadable as exc:
        found.append(exc.diagnostic)
        uids = set()
    placement = layout["grafana_dashboards"]
    for path in sorted((directory / placement.path).glob(placement.pattern or "*.json")):
        try:
            doc = _load_json(path)
        except Unreadable as exc:
            found.append(exc.diagnostic)
            continue
        source = json_source(path.read_text(encoding="utf-8"), str(path))  # _load_json read it as UTF-8
        found += check_dashboard_schema(doc, file=str(path), schema_path=bundled_schema_path(), source=source)
        found += check_dashboard(doc, file=str(path), provisioned_uids=uids, source=source)
    return CheckResult(name, not found, found)


def _compose_services(compose: Path) -> set[str]:
    """The services of the rendered compose file (none when it is absent or unreadable)."""
    try:
        document = _load_yaml(compose) if compose.is_file() else None
    except Unreadable:
        return set()
    services = document.get("services") if isinstance(document, dict) else None
    return set(services) if isinstance(services, dict) else set()


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


def check_prometheus_config(promtool: str, path: Path) -> CheckResult:
    """promtool check config on a copy: Consul/Kubernetes discovery checked by our rules, secrets stood in."""
    import tempfile

    from ruamel.yaml import YAML

    name = "promtool check config"
    try:
        document = _load_yaml(path)
    except Unreadable as exc:
        return CheckResult(name, False, [exc.diagnostic])
    stripped, removed, problems = strip_unloadable(document, path.parent.resolve())
    with tempfile.TemporaryDirectory(prefix="monctl-check-") as tmp:
        secrets = Path(tmp) / "secrets"
        secrets.mkdir()
        copy = Path(tmp) / "prometheus.yml"
        with copy.open("w", encoding="utf-8") as handle:
            YAML(typ="safe", pure=True).dump(secrets_to(stripped, secrets), handle)
        result = run_tool(name, [promtool, "check", "config", str(copy)], path)
    result.diagnostics = [
        Diagnostic(
            str(path),
            d.line,
            d.column,
            d.path,
            d.code,
            d.severity,
            d.message.replace(str(copy), str(path)).replace(str(secrets) + "/", SECRETS_PREFIX),
        )
        for d in result.diagnostics
    ]
    if removed:
        kinds = sorted({item.rsplit(".", 1)[1] for item in removed})
        result.name = f"{name} ({', '.join(kinds)}: not loadable by this promtool, checked by monctl's rules)"
    result.diagnostics += [Diagnostic(str(path), 1, 1, "", "T011", "error", p) for p in problems]
    result.ok = result.ok and not problems
    return result


def check_blackbox(tool: str, path: Path, shown: Path | None = None) -> CheckResult:
    """The real blackbox exporter's --config.check on configs/blackbox.yml (or a scratch copy of a
    ConfigMap's modules, reported as the ConfigMap's file `shown`)."""
    name = "blackbox_exporter --config.check"
    argv = [tool, "--config.check", f"--config.file={operand(path)}"]
    result = run_tool(name, argv, shown or path)
    if not result.ok:  # keep the exporter's error lines, not its start-up chatter
        errors = [d for d in result.diagnostics if "level=error" in d.message or "err=" in d.message]
        result.diagnostics = errors or result.diagnostics
    return result


# The order `monctl check` reports in (the Checker literal's order); files of one checker in layout order.
CHECKER_ORDER: tuple[Checker, ...] = get_args(Checker)


def _checker_tasks(
    directory: Path, layout: Layout, checker: Checker, tools: dict[str, str]
) -> list[Callable[[], CheckResult]]:
    """The checks of every file `checker` takes in the tree (the layout says which)."""
    files: list[Path] = []
    for placement in layout.placements:
        if placement.checker != checker:
            continue
        base = directory / placement.path
        if placement.pattern is None:
            files += [base] if base.is_file() else []
        else:
            files += sorted(path for path in base.glob(placement.pattern) if path.is_file())
    if checker == "grafana-dashboard":
        return [partial(check_dashboards, directory, layout)] if files else []
    if checker == "compose-schema":
        return [partial(check_compose, path) for path in files]
    if checker == "promtool-config":
        return [partial(check_prometheus_config, tools["promtool"], path) for path in files]
    if checker == "blackbox-config":  # the tool is required only by a tree with probes
        return [partial(check_blackbox, require(BLACKBOX_TOOL), path) for path in files]
    return [partial(run_tool, *_command(checker, path, tools), path) for path in files]


def _command(checker: Checker, path: Path, tools: dict[str, str]) -> tuple[str, list[str]]:
    """(name shown, argv) of the command-line checker `checker` on `path`."""
    promtool, amtool = tools["promtool"], tools["amtool"]
    if checker == "promtool-rules":
        return f"promtool check rules {path.name}", [promtool, "check", "rules", operand(path)]
    if checker == "amtool-config":
        return "amtool check-config", [amtool, "check-config", operand(path)]
    return f"promtool test rules {path.name}", [promtool, "test", "rules", operand(path)]


def check_tree(
    directory: Path, layout: Layout = COMPOSE, secrets_dir: Path | None = None
) -> list[CheckResult]:
    """Every checker that applies to a rendered compose tree, run in parallel, then its secrets.

    The CLI picks the kubernetes checker for a kubernetes tree.
    """
    config = directory / layout.path("prometheus")
    if not config.is_file():
        raise MonctlError(
            f"{directory} does not look like monctl output (no {layout.path('prometheus')}, no "
            "kustomization.yaml): run `monctl render SPEC --out DIR` first",
            "T005",
        )
    tools = {"promtool": require("promtool"), "amtool": require("amtool")}
    required = [str(p.path) for p in layout.placements if p.required]
    missing = []
    for path in (*required, *implied_files(directory, layout)):
        if not (directory / path).exists():
            message = f"{path} is missing: the contract's output layout requires it; render again"
            missing.append(
                CheckResult(
                    f"layout: {path}",
                    False,
                    [Diagnostic(str(directory / path), 0, 0, "", "T004", "error", message)],
                )
            )
    tasks = {checker: _checker_tasks(directory, layout, checker, tools) for checker in CHECKER_ORDER}
    results = run_parallel([task for checker in CHECKER_ORDER for task in tasks[checker]])
    before = sum(len(tasks[checker]) for checker in CHECKER_ORDER[:4])  # the config and rule checks
    results = results[:before] + missing + results[before:]
    compose = directory / COMPOSE.path("compose")
    if compose.is_file() and (secrets := check_secrets(compose, secrets_dir)) is not None:
        results.append(secrets)
    return results
