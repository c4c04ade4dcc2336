"""The plugin benchmark runs (tiny sizes), so the script cannot rot."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "plugin.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_plugin", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # four pytest and Python subprocesses
def test_the_benchmark_prints_both_figures_with_the_load(capsys: pytest.CaptureFixture[str]) -> None:
    load().main(["--tests", "2", "--runs", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(r"machine: \d+ CPUs, load average [\d.]+ [\d.]+ [\d.]+; 2 tests, 1 collect runs", lines[0])
    assert re.fullmatch(
        r"overhead: 2 scripted conversations, CPU through pytest \d+\.\d\d s, directly \d+\.\d\d s = \d+\.\d\dx "
        r"\(aim <= 1\.3x\); wall \d+\.\d\d s vs \d+\.\d\d s = \d+\.\d\dx",
        lines[1],
    )
    assert lines[2].startswith("load average: ")
    assert re.fullmatch(
        r"start-up: pytest --collect-only of a 33-test project without the plugin, CPU with it \d+ ms, "
        r"-p no:retell \d+ ms \(median of 1\) = [+-]\d+ ms \(aim <= 50 ms\); wall \d+ ms vs \d+ ms",
        lines[3],
    )
    assert lines[4].startswith("load average after: ")


def test_a_failing_run_stops_the_benchmark_with_its_output(tmp_path: Path) -> None:
    bench = load()
    talk, plain = bench.write_projects(tmp_path, 3)
    assert "range(3)" in (talk / "test_conversations.py").read_text(encoding="utf-8")
    assert sorted(p.name for p in plain.glob("test_*.py")) == ["test_alpha.py", "test_beta.py", "test_gamma.py"]
    with pytest.raises(RuntimeError, match=r"failed \(3\):\nboom"):
        bench._timed([sys.executable, "-c", "print('boom'); raise SystemExit(3)"], tmp_path)
    run, out = bench._timed([sys.executable, "-c", "print('ok')"], tmp_path)
    assert out == "ok\n" and run.wall_s > 0 and run.cpu_s >= 0
