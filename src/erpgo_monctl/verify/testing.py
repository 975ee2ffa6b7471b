"""`monctl test`: render a spec into a temporary directory, run every unit-test file with promtool
and every routing expectation with amtool.

Failures are reported against the spec entry the test file came from (the SLO or the
`tests:` item), with promtool's own explanation of expected versus got.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.source import PathKey
from erpgo_monctl.resolve.model import Model


@dataclass
class UnitTestResult:
    """The outcome of `promtool test rules` on one rendered test file."""

    path: PurePosixPath  # relative to the output directory, e.g. tests/slo_api-availability_test.yml
    ok: bool
    output: str = ""
    diagnostics: list[Diagnostic] = field(default_factory=list)


def spec_path_of(model: Model, test_file: PurePosixPath) -> PathKey:
    """The spec entry a rendered test file was made from, for locating its failures."""
    stem = test_file.name.removesuffix("_test.yml")
    for s, slo in enumerate(model.spec.slos):
        if stem == f"slo_{slo.name}":
            return ("slos", s, "name")
    for t, test in enumerate(model.spec.tests):
        if stem == test.name:
            return ("tests", t, "name")
    return ()


def _failure(model: Model, test_file: PurePosixPath, output: str) -> Diagnostic:
    from erpgo_monctl.diagnostics import format_path

    path = spec_path_of(model, test_file)
    source = model.source
    file, line, col = source.where(path) if source else ("<spec>", 0, 0)
    detail = "\n".join("    " + text.rstrip() for text in output.strip().splitlines() if text.strip())
    return Diagnostic(
        file,
        line,
        col,
        format_path(path),
        "T020",
        "error",
        f"{test_file} failed under promtool test rules:\n{detail}",
    )


def run_test_files(model: Model, directory: Path, promtool: str) -> list[UnitTestResult]:
    """Run every tests/*_test.yml below `directory`, in parallel, one promtool process per file."""
    from erpgo_monctl.verify.tools import TOOL_TIMEOUT_S

    files = sorted((directory / "tests").glob("*_test.yml"))

    def run(path: Path) -> UnitTestResult:
        relative = PurePosixPath(path.relative_to(directory).as_posix())
        try:
            proc = subprocess.run(
                [promtool, "test", "rules", f"./{path.name}"],  # never an option, whatever the name
                cwd=path.parent,
                capture_output=True,
                text=True,
                timeout=TOOL_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            output = f"promtool timed out after {TOOL_TIMEOUT_S}s"
            return UnitTestResult(relative, False, output, [_failure(model, relative, output)])
        if proc.returncode == 0:
            return UnitTestResult(relative, True)
        output = (proc.stdout + proc.stderr).replace(f"Unit Testing:  {path.name}", "").strip()
        return UnitTestResult(relative, False, output, [_failure(model, relative, output)])

    with ThreadPoolExecutor(max_workers=max(1, min(len(files), os.cpu_count() or 1))) as pool:
        return list(pool.map(run, files))


def run_tests(model: Model) -> list[UnitTestResult]:
    """Render `model` into a fresh temporary directory and run all of its unit tests there."""
    from erpgo_monctl.pipeline import render_model
    from erpgo_monctl.verify.tools import require

    promtool = require("promtool")
    amtool = require("amtool") if model.spec.alertmanager and model.spec.alertmanager.route_tests else ""
    files = render_model(model)
    with tempfile.TemporaryDirectory(prefix="monctl-test-") as tmp:
        root = Path(tmp)
        for relative, content in files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        results = run_test_files(model, root, promtool)
        if amtool:
            results += run_route_tests(model, root, amtool)
        return results


def run_route_tests(model: Model, directory: Path, amtool: str) -> list[UnitTestResult]:
    """Check each `alertmanager.route_tests` entry with `amtool config routes test --verify.receivers`."""
    from erpgo_monctl.validate import Context
    from erpgo_monctl.verify.tools import TOOL_TIMEOUT_S

    config = directory / "configs" / "alertmanager.yml"
    ctx = Context(model)
    results = []
    assert model.spec.alertmanager is not None
    for index, test in enumerate(model.spec.alertmanager.route_tests):
        where = PurePosixPath(f"alertmanager.route_tests[{index}]")
        labels = [f"{key}={_quoted(value)}" for key, value in sorted(test.labels.items())]
        argv = [
            amtool,
            "config",
            "routes",
            "test",
            f"--config.file={config}",
            f"--verify.receivers={','.join(test.receivers)}",
            "--",  # spec text after this is never read as an option (a label key `--help`)
            *labels,
        ]
        try:
            proc = subprocess.run(argv, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            proc = subprocess.CompletedProcess(argv, 1, "", f"amtool timed out after {TOOL_TIMEOUT_S}s")
        if proc.returncode == 0:
            results.append(UnitTestResult(where, True))
            continue
        output = (proc.stdout + proc.stderr).strip()
        message = (
            f"alert {{{', '.join(labels)}}} should reach {', '.join(test.receivers)}; "
            f"amtool says: {' '.join(output.split())}"
        )
        diag = ctx.diag(("alertmanager", "route_tests", index, "receivers"), "T021", message)
        results.append(UnitTestResult(where, False, output, [diag]))
    return results


def _quoted(value: str) -> str:
    """A label value as amtool reads a matcher value: double-quoted, `\\` and `"` escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
