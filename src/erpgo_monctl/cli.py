"""The `monctl` command line: parses flags, calls the pipeline stages, maps errors to exit codes.

Heavy modules (jinja2, grafanalib, jsonschema) are imported inside commands so
`monctl validate` and `monctl --help` start fast.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from erpgo_monctl.errors import Diagnostic, MonctlError, diagnostics_to_json

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, help="Monitoring as code: one typed spec -> ready-to-run configs.")


class Format(str, Enum):
    text = "text"
    json = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="how problems are reported")]


def report(diagnostics: list[Diagnostic], fmt: Format) -> None:
    """Text to stderr like a compiler; JSON list to stdout."""
    if fmt is Format.json:
        sys.stdout.write(diagnostics_to_json(diagnostics))
    else:
        for diag in diagnostics:
            sys.stderr.write(diag.as_text() + "\n")


def fail(exc: MonctlError, fmt: Format) -> NoReturn:
    report(exc.diagnostics, fmt)
    raise typer.Exit(exc.exit_code)


@app.command()
def validate(
    specs: Annotated[list[Path], typer.Argument(help="spec files", show_default=False)],
    fmt: FormatOpt = Format.text,
) -> None:
    """Load and check spec(s); write nothing. Exit 0 ok, 1 errors, 2 usage."""
    from erpgo_monctl.pipeline import load_model

    found: list[Diagnostic] = []
    code = 0
    for spec in specs:
        try:
            _, warnings = load_model(spec)
            found.extend(warnings)
        except MonctlError as exc:
            found.extend(exc.diagnostics)
            code = max(code, exc.exit_code)
    report(found, fmt)
    if code == 0 and fmt is Format.text:
        sys.stderr.write(f"ok: {len(specs)} spec(s) valid\n")
    raise typer.Exit(code)


@app.command()
def render(
    spec: Annotated[Path, typer.Argument(help="spec file", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="output directory")] = Path("out"),
    env: Annotated[str | None, typer.Option("--env", help="environment overlay to apply")] = None,
    check: Annotated[bool, typer.Option("--check", help="compare with --out, print drift, write nothing")] = False,
    fmt: FormatOpt = Format.text,
) -> None:
    """Validate, then write every artifact into --out atomically (or --check for drift)."""
    from erpgo_monctl.pipeline import load_model, render_model
    from erpgo_monctl.write import drift, write_tree

    try:
        model, warnings = load_model(spec, env)
        report(warnings, fmt)
        files = render_model(model)
        from pathlib import PurePosixPath

        posix = {PurePosixPath(p.as_posix()): b for p, b in files.items()}
        if check:
            changes, diff = drift(posix, out)
            if changes:
                sys.stdout.write(diff)
                sys.stderr.write(f"drift: {len(changes)} file(s) differ from {spec} in {out}: "
                                 f"run `monctl render {spec} --out {out}`\n")
                raise typer.Exit(1)
            sys.stderr.write(f"ok: {out} matches {spec} ({len(files)} files)\n")
            return
        write_tree(posix, out)
        sys.stderr.write(f"rendered {len(files)} files into {out}\n")
    except MonctlError as exc:
        fail(exc, fmt)


@app.command("check")
def check_cmd(
    directory: Annotated[Path, typer.Argument(help="rendered output directory")] = Path("out"),
    fmt: FormatOpt = Format.text,
) -> None:
    """Run the real checkers (promtool, amtool, compose schema, dashboard rules) on a rendered DIR."""
    from erpgo_monctl.tools import check_tree

    try:
        results = check_tree(directory)
    except MonctlError as exc:
        fail(exc, fmt)
    problems = [d for r in results for d in r.diagnostics]
    for result in results:
        if fmt is Format.text:
            sys.stderr.write(f"{'ok  ' if result.ok else 'FAIL'} {result.name}\n")
    report(problems, fmt)
    raise typer.Exit(0 if all(r.ok for r in results) else 1)


@app.command()
def schema() -> None:
    """Print the spec's JSON Schema (for editors and check-jsonschema)."""
    from erpgo_monctl.spec.schema import schema_json

    sys.stdout.write(schema_json())


def main() -> None:
    """Console entry point: never a traceback for user errors."""
    try:
        app()
    except MonctlError as exc:
        report(exc.diagnostics, Format.text)
        sys.exit(exc.exit_code)
