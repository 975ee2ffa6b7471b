"""`monctl import` as the CLI runs it: import, write the spec (or print it), report, exit code.

Kept here so cli.py holds one small command function; with `--format json` stdout holds
exactly one JSON document (the findings), and the spec goes to -o (required then).
"""

from __future__ import annotations

import sys
from pathlib import Path

from erpgo_monctl.diagnostics import Diagnostic, MonctlError, UsageError
from erpgo_monctl.diagnostics.writers import json_report
from erpgo_monctl.importer import import_files


def _report(found: list[Diagnostic], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json_report(found))
    else:
        for diag in found:
            sys.stderr.write(diag.as_text() + "\n")


def _usage(message: str) -> UsageError:
    return UsageError([Diagnostic("<monctl>", 0, 0, "", "E002", "error", message)])


def run_import(files: list[Path], out: Path | None, split: bool, as_json: bool) -> int:
    """Exit code: 0 all carried over, 1 something was not (or the inputs are broken), 2 usage."""
    try:
        if split and out is None:
            raise _usage("--split writes several files: give the root spec with -o SPEC")
        if as_json and out is None:
            raise _usage("--format json prints the findings on stdout: give the spec file with -o SPEC")
        if out is not None and out.is_dir():
            raise _usage(f"-o {out}: is a directory; give the spec file to write")
        result = import_files(files, root=out.name if out else "imported.yaml", split=split)
    except MonctlError as exc:
        _report(exc.diagnostics, as_json)
        return exc.exit_code
    if result.files:
        if out is None:
            sys.stdout.write(next(iter(result.files.values())))
        else:
            _write(out, result.files)
    _report(result.diagnostics, as_json)
    if not as_json:
        lost = sum(d.code == "I010" for d in result.diagnostics)
        errors = sum(d.severity == "error" for d in result.diagnostics)
        if not result.files:
            sys.stderr.write(f"import: no spec written ({errors} error(s))\n")
        elif out is not None:
            written = ", ".join(str(out.parent / name) for name in result.files)
            tail = f"; {lost} item(s) not carried over" if lost else ""
            sys.stderr.write(f"import: wrote {written}{tail}\n")
    return result.exit_code


def _write(out: Path, files: dict[str, str]) -> None:
    """Every file, each through a temporary sibling and a rename: never a half-written spec."""
    import os
    import tempfile

    for relative, text in files.items():
        target = out.parent / relative if relative != out.name else out
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, target)
