"""`monctl test`: run every rendered unit-test file with promtool and every routing expectation with amtool.

pipeline.run_unit_tests renders the spec into a temporary directory and calls these; the
processes run in verify.tools' one parallel runner, the same one `monctl check` uses.

Failures are reported against the spec entry the test file came from (the SLO or the
`tests:` item), with promtool's own explanation of expected versus got.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePosixPath

from erpgo_monctl.diagnostics import Diagnostic
from erpgo_monctl.diagnostics.source import Locator, PathKey
from erpgo_monctl.resolve.layout import COMPOSE
from erpgo_monctl.resolve.model import Model
from erpgo_monctl.verify.tools import run_command, run_parallel


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
    detail = "\n".join("    " + text.rstrip() for text in output.strip().splitlines() if text.strip())
    message = f"{test_file} failed under promtool test rules:\n{detail}"
    return Locator(model.source).diag(spec_path_of(model, test_file), "T020", message)


def run_test_file(model: Model, directory: Path, promtool: str, path: Path) -> UnitTestResult:
    """`promtool test rules` on one file, run beside it (its rule_files are relative to it)."""
    relative = PurePosixPath(path.relative_to(directory).as_posix())
    run = run_command([promtool, "test", "rules", f"./{path.name}"], cwd=path.parent)  # never an option
    if run.returncode == 0:
        return UnitTestResult(relative, True)
    output = run.output.replace(f"Unit Testing:  {path.name}", "").strip()
    return UnitTestResult(relative, False, output, [_failure(model, relative, output)])


def run_test_files(model: Model, directory: Path, promtool: str) -> list[UnitTestResult]:
    """Run every unit-test file below `directory` (the layout's `tests` placement), in parallel."""
    placement = COMPOSE["tests"]
    files = sorted((directory / placement.path).glob(placement.pattern or "*_test.yml"))
    return run_parallel([partial(run_test_file, model, directory, promtool, path) for path in files])


def run_route_tests(
    model: Model,
    directory: Path,
    amtool: str,
    config: Path | None = None,
    receiver_name: Callable[[str], str] = str,
    extra_labels: Mapping[str, str] | None = None,
) -> list[UnitTestResult]:
    """Check each `alertmanager.route_tests` entry with `amtool config routes test --verify.receivers`.

    `config`, `receiver_name` and `extra_labels` serve the kubernetes target: the operator's merged
    configuration, its receiver names and the namespace label alerts carry there.
    """
    config = config or directory / COMPOSE.path("alertmanager")
    locator = Locator(model.source)
    results = []
    assert model.spec.alertmanager is not None
    for index, test in enumerate(model.spec.alertmanager.route_tests):
        where = PurePosixPath(f"alertmanager.route_tests[{index}]")
        routed = {**(extra_labels or {}), **test.labels}
        labels = [f"{key}={_quoted(value)}" for key, value in sorted(routed.items())]
        receivers = [receiver_name(receiver) for receiver in test.receivers]
        argv = [
            amtool,
            "config",
            "routes",
            "test",
            f"--config.file={config}",
            f"--verify.receivers={','.join(receivers)}",
            "--",  # spec text after this is never read as an option (a label key `--help`)
            *labels,
        ]
        run = run_command(argv)
        if run.returncode == 0:
            results.append(UnitTestResult(where, True))
            continue
        output = run.output.strip()
        message = (
            f"alert {{{', '.join(labels)}}} should reach {', '.join(receivers)}; "
            f"amtool says: {' '.join(output.split())}"
        )
        diag = locator.diag(("alertmanager", "route_tests", index, "receivers"), "T021", message)
        results.append(UnitTestResult(where, False, output, [diag]))
    return results


def _quoted(value: str) -> str:
    """A label value as amtool reads a matcher value: double-quoted, `\\` and `"` escaped."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
