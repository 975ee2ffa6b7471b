"""The `monctl` command line: parses flags, calls the pipeline stages, maps errors to exit codes.

Heavy modules (jinja2, grafanalib, jsonschema) are imported inside commands so
`monctl validate` and `monctl --help` start fast.
"""

from __future__ import annotations

import itertools
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, UsageError
from erpgo_monctl.diagnostics.writers import json_report, text_report

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    help="Monitoring as code: one typed spec -> ready-to-run configs.",
)


class Format(StrEnum):
    text = "text"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="how problems are reported")]
TargetOpt = Annotated[
    str, typer.Option("--target", metavar="compose|kubernetes", help="deployment target to render for")
]


def _version(value: bool) -> None:
    if value:
        from erpgo_monctl import __version__

        sys.stdout.write(f"monctl {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit"),
    ] = False,
) -> None:
    """Monitoring as code: one typed spec -> ready-to-run configs."""


def report(diagnostics: list[Diagnostic], fmt: Format) -> None:
    """Text to stderr like a compiler; JSON list to stdout."""
    if fmt is Format.json:
        sys.stdout.write(json_report(diagnostics))
    else:
        sys.stderr.write(text_report(diagnostics))


def fail(exc: MonctlError, fmt: Format) -> NoReturn:
    report(exc.diagnostics, fmt)
    raise typer.Exit(exc.exit_code)


@app.command()
def validate(
    specs: Annotated[list[Path], typer.Argument(help="spec files", show_default=False)],
    fmt: FormatOpt = Format.text,
) -> None:
    """Load and check spec(s); write nothing. Exit 0 ok, 1 errors, 2 usage.

    A file another spec includes (a team file) is checked as part of the root spec(s) including it.
    """
    from erpgo_monctl.load.roots import validation_targets
    from erpgo_monctl.pipeline import load_model

    found: list[Diagnostic] = []
    code = 0
    targets = validation_targets(specs, Path.cwd())
    for target in targets:
        if target.given and fmt is Format.text:
            names = ", ".join(str(path) for path in target.given)
            sys.stderr.write(f"{names}: checked as part of {target.spec}, which includes it\n")
        try:
            _, warnings = load_model(target.spec)
            found.extend(warnings)
        except MonctlError as exc:
            found.extend(exc.diagnostics)
            code = max(code, exc.exit_code)
    report(found, fmt)
    if code == 0 and fmt is Format.text:
        sys.stderr.write(f"ok: {len(targets)} spec(s) valid\n")
    raise typer.Exit(code)


@app.command()
def render(
    spec: Annotated[Path, typer.Argument(help="spec file", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="output directory")] = Path("out"),
    env: Annotated[str | None, typer.Option("--env", help="environment overlay to apply")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="compare with --out, print drift, write nothing")
    ] = False,
    target: TargetOpt = "compose",
    fmt: FormatOpt = Format.text,
) -> None:
    """Validate, then write every artifact of --target into --out atomically (or --check for drift)."""
    from erpgo_monctl.pipeline import load_model, render_model
    from erpgo_monctl.render.targets import target_named
    from erpgo_monctl.write import drift, drift_diagnostics, write_tree

    warnings: list[Diagnostic] = []
    try:
        target_named(target)  # an unknown target is a usage error before any work
        model, warnings = load_model(spec, env)
        files = render_model(model, target)
        if check:
            changes, diff = drift(files, out)
            if changes:
                # the diff is for people: on stdout in text mode, on stderr beside one JSON document
                (sys.stdout if fmt is Format.text else sys.stderr).write(diff)
                again = f"monctl render {spec} --out {out}" + (f" --env {env}" if env else "")
                again += f" --target {target}" if target != "compose" else ""
                report(warnings + drift_diagnostics(changes, out, again), fmt)
                if fmt is Format.text:
                    sys.stderr.write(
                        f"drift: {len(changes)} file(s) differ from {spec} in {out}: run `{again}`\n"
                    )
                raise typer.Exit(1)
            report(warnings, fmt)
            sys.stderr.write(f"ok: {out} matches {spec} ({len(files)} files)\n")
            return
        write_tree(files, out)
        report(warnings, fmt)
        sys.stderr.write(f"rendered {len(files)} files into {out}\n")
    except MonctlError as exc:
        fail(type(exc)(warnings + exc.diagnostics) if warnings else exc, fmt)


@app.command("check")
def check_cmd(
    directory: Annotated[Path, typer.Argument(help="rendered output directory")] = Path("out"),
    secrets: Annotated[
        Path | None,
        typer.Option(
            "--secrets", help="secrets directory to check (default: the one compose mounts, if present)"
        ),
    ] = None,
    fmt: FormatOpt = Format.text,
) -> None:
    """Run the real checkers (promtool, amtool, compose schema, dashboard rules) on a rendered DIR."""
    from erpgo_monctl.verify.kubernetes import check_kubernetes_tree, is_kubernetes_tree
    from erpgo_monctl.verify.tools import check_tree

    try:
        results = (
            check_kubernetes_tree(directory)
            if is_kubernetes_tree(directory)
            else check_tree(directory, secrets_dir=secrets)
        )
    except MonctlError as exc:
        fail(exc, fmt)
    problems = [d for r in results for d in r.diagnostics]
    for result in results:
        if fmt is Format.text:
            sys.stderr.write(f"{'ok  ' if result.ok else 'FAIL'} {result.name}\n")
    report(problems, fmt)
    raise typer.Exit(0 if all(r.ok for r in results) else 1)


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="directory to write monitoring.yaml into")] = Path("."),
    fmt: FormatOpt = Format.text,
) -> None:
    """Write a small, commented starter spec (DIR/monitoring.yaml) that validates and renders as it is."""
    from erpgo_monctl.starter import write_starter

    try:
        written = write_starter(directory)
    except MonctlError as exc:
        fail(exc, fmt)
    if fmt is Format.json:
        report([], fmt)
    sys.stderr.write(
        f"wrote {written}: edit it, then `monctl validate {written}` and "
        f"`monctl render {written} --out out`\n"
    )


@app.command()
def schema() -> None:
    """Print the spec's JSON Schema (for editors and check-jsonschema)."""
    from erpgo_monctl.spec.schema import schema_json

    sys.stdout.write(schema_json())


@app.command("test")
def test_cmd(
    spec: Annotated[Path, typer.Argument(help="spec file", show_default=False)],
    env: Annotated[str | None, typer.Option("--env", help="environment overlay to apply")] = None,
    target: TargetOpt = "compose",
    fmt: FormatOpt = Format.text,
) -> None:
    """Run SLO/alert unit tests (promtool test rules) and routing expectations (amtool). Exit 0/1/3."""
    from erpgo_monctl.pipeline import load_model, run_unit_tests
    from erpgo_monctl.render.targets import target_named

    try:
        target_named(target)  # an unknown target is a usage error before any work
        model, warnings = load_model(spec, env)
        results = run_unit_tests(model, target)
    except MonctlError as exc:
        fail(exc, fmt)
    failed = [r for r in results if not r.ok]
    if fmt is Format.text:
        for result in results:
            sys.stderr.write(f"{'ok  ' if result.ok else 'FAIL'} {result.path}\n")
    report(warnings + [d for r in failed for d in r.diagnostics], fmt)
    untested = [plan.slo.name for plan in model.slo_test_plans if not plan.feasible]
    if not results and untested:
        # SLOs whose tests cannot be generated (W412 says why) are untested, not passing
        if fmt is Format.text:
            sys.stderr.write(
                f"no tests ran: no unit tests could be generated for the SLO(s) {', '.join(untested)} "
                "(see W412 above) and the spec has no tests:; write tests: for their alerts\n"
            )
        raise typer.Exit(1)
    if fmt is Format.text:
        if not results:
            sys.stderr.write(f"no tests: {spec} has no slos: and no tests:\n")
        elif failed:
            sys.stderr.write(f"failed: {len(failed)} of {len(results)} test file(s)\n")
        else:
            sys.stderr.write(f"ok: {len(results)} test file(s) passed\n")
    raise typer.Exit(1 if failed else 0)


@app.command()
def lint(
    spec: Annotated[Path | None, typer.Argument(help="spec file", show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", metavar="text|json|sarif", help="report format")] = "text",
    explain: Annotated[
        str | None,
        typer.Option("--explain", metavar="RULE", help="print what RULE catches, why, and examples"),
    ] = None,
) -> None:
    """Best-practice findings with stable rule ids. Exit 0, or 1 if any finding is at error level."""
    from erpgo_monctl.diagnostics import has_errors
    from erpgo_monctl.lint import BY_ID, lint_model, unknown_rule_message
    from erpgo_monctl.lint.explain import explain_text
    from erpgo_monctl.lint.sarif import sarif_json
    from erpgo_monctl.pipeline import load_model

    def emit(found: list[Diagnostic]) -> None:
        if fmt == "sarif":
            sys.stdout.write(sarif_json(found))
        else:
            report(found, Format(fmt))

    if fmt not in ("text", "json", "sarif"):
        fail(UsageError(f"--format {fmt!r}: use text, json or sarif", "E010"), Format.text)
    if explain is not None:
        if explain not in BY_ID:
            fail(UsageError(unknown_rule_message(explain), "E011"), Format.text)
        sys.stdout.write(explain_text(BY_ID[explain]))
        return
    if spec is None:
        fail(UsageError("give the SPEC file to lint (or --explain RULE)", "E012"), Format.text)
    try:
        model, _ = load_model(spec)
    except MonctlError as exc:
        emit(exc.diagnostics)
        raise typer.Exit(exc.exit_code) from None
    found = lint_model(model)
    emit(found)
    if fmt == "text":
        counts = {level: sum(d.severity == level for d in found) for level in ("error", "warning", "info")}
        plural = {level: "s" if n != 1 and level != "info" else "" for level, n in counts.items()}
        summary = ", ".join(f"{n} {level}{plural[level]}" for level, n in counts.items())
        sys.stderr.write(f"lint: {spec}: {summary}\n" if found else f"ok: {spec}: no lint findings\n")
    raise typer.Exit(1 if has_errors(found) else 0)


@app.command()
def routes(
    spec: Annotated[Path, typer.Argument(help="spec file", show_default=False)],
    env: Annotated[str | None, typer.Option("--env", help="environment overlay to apply")] = None,
    target: TargetOpt = "compose",
    fmt: FormatOpt = Format.text,
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            help="an ISO 8601 time (e.g. 2026-11-29T02:30:00Z; no zone means UTC): mark receivers whose "
            "route is muted then, or outside its active time intervals",
        ),
    ] = None,
) -> None:
    """For every alert, the receivers it reaches; flags routes no alert reaches. Exit 1 if any."""
    from erpgo_monctl.pipeline import load_model
    from erpgo_monctl.render.targets import target_named
    from erpgo_monctl.report.routes import format_routing, parse_instant, route_report
    from erpgo_monctl.validate import Context

    instant = None
    if at is not None:
        instant = parse_instant(at)
        if instant is None:
            sys.stderr.write(f"error: --at {at!r} is not an ISO 8601 time (e.g. 2026-11-29T02:30:00Z)\n")
            raise typer.Exit(2)
    try:
        target_named(target)  # an unknown target is a usage error before any work
        model, _ = load_model(spec, env)
    except MonctlError as exc:
        fail(exc, fmt)
    result = route_report(model, target, instant)
    ctx = Context(model)
    problems = [
        ctx.diag(
            path,
            "R001",
            "no alert of the spec reaches this route (check its matchers, and "
            "`continue` on the routes before it)",
            "warning",
        )
        for _, path in result.unreachable
    ]
    if fmt is Format.json:
        # the contract's diagnostics shape: one info finding per alert saying where it goes
        routed = [ctx.diag(entry.spec_path, "R000", format_routing(entry), "info") for entry in result.alerts]
        report(routed + problems, fmt)
    else:
        for entry in result.alerts:
            sys.stdout.write(format_routing(entry) + "\n")
        report(problems, fmt)
    raise typer.Exit(1 if problems else 0)


@app.command("import")
def import_cmd(
    files: Annotated[list[Path], typer.Argument(help="existing configuration files", show_default=False)],
    out: Annotated[
        Path | None, typer.Option("-o", "--output", help="spec file to write (default: stdout)")
    ] = None,
    split: Annotated[
        bool, typer.Option("--split", help="one included file per input file (needs -o)")
    ] = False,
    fmt: FormatOpt = Format.text,
) -> None:
    """Write a spec from Prometheus, Alertmanager, rule, Sloth or OpenSLO files (exit 1: not all carried)."""
    from erpgo_monctl.importer.command import run_import

    raise typer.Exit(run_import(files, out, split, fmt is Format.json))


def _json_requested(argv: list[str]) -> bool:
    return "--format=json" in argv or any(
        a == "--format" and b == "json" for a, b in itertools.pairwise(argv)
    )


def main() -> None:
    """Console entry point: never a traceback for user errors.

    With `--format json`, a usage error (unknown flag, missing argument) is one JSON document
    on stdout too (E010), like every other outcome; typer would print it as text only.
    """
    as_json = _json_requested(sys.argv[1:])
    try:
        if not as_json:
            app()
            return
        code = app(standalone_mode=False)
    except MonctlError as exc:
        report(exc.diagnostics, Format.json if as_json else Format.text)
        sys.exit(exc.exit_code)
    except Exception as exc:  # typer's vendored click UsageError: duck-typed, the class is private
        exit_code = getattr(exc, "exit_code", None)
        if not (hasattr(exc, "format_message") and isinstance(exit_code, int)):
            raise
        report([Diagnostic("<monctl>", 0, 0, "", "E010", "error", exc.format_message())], Format.json)
        sys.exit(exit_code)
    sys.exit(code if isinstance(code, int) else 0)
