"""`make bench`: wall time and peak memory of `monctl validate` / `monctl render` for N = 10, 100, 1000
synthetic services, `monctl --help` start-up, and `promtool check rules` on the N = 1000 output.

Prints a Markdown table (pasted into the README) and writes it to bench/results/latest.md.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
MONCTL = str(BIN / "monctl")
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "10,100,1000").split(",")]


def measure(argv: list[str]) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    stderr = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        sys.stderr.write(f"command failed ({proc.returncode}): {' '.join(argv)}\n{stderr[-2000:]}\n")
    return wall, usage.ru_maxrss / 1024, proc.returncode


def median_of(argv: list[str], runs: int) -> tuple[float, float, int]:
    results = [measure(argv) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), max(r[1] for r in results), max(r[2] for r in results))


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    sys.path.insert(0, str(HERE))
    from make_spec import make_spec

    from erpgo_monctl.render.yaml_encoder import dump_yaml

    rows = []
    failed = False
    work = Path(tempfile.mkdtemp(prefix="monctl-bench-"))
    try:
        help_wall, help_mem, _ = median_of([MONCTL, "--help"], 10)
        erpgo = str(HERE.parent / "specs" / "erpgo.yaml")
        val_wall, val_mem, code = median_of([MONCTL, "validate", erpgo], 10)
        failed |= code != 0
        rows.append(("ERPGo spec", "-", f"{val_wall:.2f} s", f"{val_mem:.0f} MiB", "-", "-"))
        promtool_line = "promtool not installed"
        for n in SIZES:
            spec = work / f"spec-{n}.yaml"
            spec.write_text(dump_yaml(make_spec(n)))
            runs = 5 if n <= 100 else 3
            v_wall, v_mem, v_code = median_of([MONCTL, "validate", str(spec)], runs)
            out = work / f"out-{n}"
            r_wall, r_mem, r_code = median_of([MONCTL, "render", str(spec), "--out", str(out)], runs)
            failed |= bool(v_code or r_code)
            size = f"{spec.stat().st_size / 2**20:.1f} MiB"
            rows.append(
                (f"N={n}", size, f"{v_wall:.2f} s", f"{v_mem:.0f} MiB", f"{r_wall:.2f} s", f"{r_mem:.0f} MiB")
            )
            promtool = shutil.which("promtool")
            if n == max(SIZES) and promtool:
                p_wall, _, p_code = measure(
                    [
                        promtool,
                        "check",
                        "rules",
                        str(out / "configs/alert_rules.yml"),
                        str(out / "configs/slo_rules.yml"),
                    ]
                    if (out / "configs/slo_rules.yml").exists()
                    else [promtool, "check", "rules", str(out / "configs/alert_rules.yml")]
                )
                failed |= p_code != 0
                verdict = "passes" if p_code == 0 else "FAILS"
                promtool_line = f"`promtool check rules` on the N={n} rule files: {p_wall:.2f} s ({verdict})"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        f"Measured on: {machine()}",
        "",
        "| spec | size | validate (median) | validate peak RSS | render (median) | render peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    lines += [
        "",
        f"`monctl --help` start-up: {help_wall:.3f} s median of 10 ({help_mem:.0f} MiB)",
        promtool_line,
    ]
    report = "\n".join(lines) + "\n"
    sys.stdout.write(report)
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "latest.md").write_text(report)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
