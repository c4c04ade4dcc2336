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


@pytest.mark.slow
def test_a_conversation_test_that_fails_stops_the_benchmark(tmp_path: Path) -> None:
    bench = load()
    talk, _ = bench.write_projects(tmp_path, 1)
    agents = talk / "agents.py"
    agents.write_text(agents.read_text(encoding="utf-8").replace("Delivery it is", "Pickup it is"), encoding="utf-8")
    with pytest.raises(RuntimeError, match="failed"):
        bench.overhead(talk, 1)
