"""Start-up cost of the command line: CPU time of offline and online commands, median of N runs.

Run: ``python3 benchmarks/startup.py [--runs N] [--against DIR]``. Each command runs as a fresh
``python -m retell_dsl`` process (with this checkout first on ``PYTHONPATH``) in a temporary
directory, so the emulator database it may create is thrown away. CPU time is user + system time
of the child process (from ``os.wait4``), which a busy machine inflates far less than wall time.
``--against DIR`` also runs every command with another checkout (e.g. one exported with
``git archive``) first on the path and prints both side by side.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["COMMANDS", "measure", "run_once"]

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = "examples/clinic_receptionist.py"

#: (label, arguments after ``retell-dsl``); ``{example}`` is the clinic example of the measured checkout.
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("--help", ("--help",)),
    ("lint", ("lint", "{example}")),
    ("compile", ("compile", "{example}")),
    ("graph", ("graph", "{example}")),
    ("voices list", ("voices", "list")),
)


def run_once(tree: Path, args: Sequence[str], cwd: Path) -> tuple[float, float]:
    """Run ``retell-dsl ARGS`` once from ``tree``; (CPU seconds, wall seconds). A failing command raises."""
    argv = [sys.executable, "-m", "retell_dsl", *(a.format(example=tree / EXAMPLE) for a in args)]
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "80", "RETELL_DSL_TARGET": "emulator"}
    env.pop("RETELL_API_KEY", None)
    env.pop("RETELL_DSL_EMULATOR_DB", None)
    started = time.perf_counter()
    child = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert child.stderr is not None
    err = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {child.returncode}: {err.decode(errors='replace')[-500:]}")
    return usage.ru_utime + usage.ru_stime, wall


def measure(tree: Path, args: Sequence[str], runs: int) -> tuple[float, float]:
    """Median CPU and wall seconds of ``runs`` runs (after one warm-up run that fills the bytecode cache)."""
    with tempfile.TemporaryDirectory(prefix="retell-dsl-startup-") as tmp:
        run_once(tree, args, Path(tmp))
        samples = [run_once(tree, args, Path(tmp)) for _ in range(runs)]
    return statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples)


def _machine() -> str:
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {load}"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (the median is shown)")
    parser.add_argument("--against", type=Path, help="another checkout to measure side by side (the baseline)")
    parser.add_argument("--only", action="append", help="measure only this command label (repeatable)")
    opts = parser.parse_args(argv)
    commands = [c for c in COMMANDS if not opts.only or c[0] in opts.only]
    print(f"retell-dsl start-up, median of {opts.runs} runs: CPU seconds (wall) — {_machine()}")
    header = f"{'command':<12} {'this checkout':>16}"
    if opts.against:
        header += f" {'baseline':>16} {'CPU saved':>10}"
    print(header)
    for label, args in commands:
        cpu, wall = measure(ROOT, args, opts.runs)
        line = f"{label:<12} {cpu:>7.2f} ({wall:>5.2f})"
        if opts.against:
            base_cpu, base_wall = measure(opts.against.resolve(), args, opts.runs)
            saved = 1 - cpu / base_cpu if base_cpu else 0.0
            line += f"  {base_cpu:>7.2f} ({base_wall:>5.2f}) {saved:>9.0%}"
        print(line, flush=True)
    print(f"(after: {_machine()})")


if __name__ == "__main__":
    main()
