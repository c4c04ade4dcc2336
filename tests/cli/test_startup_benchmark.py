"""Smoke test of benchmarks/startup.py: it runs the commands and prints medians side by side."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("startup_benchmark", ROOT / "benchmarks" / "startup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_startup_benchmark_measures_cpu_and_compares_with_a_baseline(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _benchmark()
    assert [label for label, _ in bench.COMMANDS] == ["--help", "lint", "compile", "graph", "voices list"]
    bench.main(["--runs", "1", "--only=--help", "--only=lint", "--against", str(ROOT)])
    out = capsys.readouterr().out
    assert "median of 1 runs" in out and "CPUs" in out and "load average" in out
    rows = {m.group(1): m for m in re.finditer(r"^(--help|lint)\s+([\d.]+) \(\s*([\d.]+)\)\s+([\d.]+) ", out, re.M)}
    assert set(rows) == {"--help", "lint"}, out
    assert all(float(m.group(2)) > 0 and float(m.group(4)) > 0 for m in rows.values())


def test_a_failing_command_is_reported_not_timed(tmp_path: Path) -> None:
    bench = _benchmark()
    with pytest.raises(RuntimeError, match="exited 1"):
        bench.run_once(ROOT, ("lint", str(tmp_path / "missing.py")), tmp_path)
