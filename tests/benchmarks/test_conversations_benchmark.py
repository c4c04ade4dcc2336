"""The conversation benchmark runs (tiny sizes), so the script cannot rot."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "conversations.py"


def load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_conversations", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the script runs
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_prints_both_figures_for_both_engines(capsys: pytest.CaptureFixture[str]) -> None:
    load().main(["--conversations", "3", "--turns", "2", "--latency-ms", "1"])
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        r"machine: \d+ CPUs, load average [\d.]+ [\d.]+ [\d.]+; 3 conversations x 2 turns, .*", lines[0]
    )
    for line, label, calls in zip(lines[1:3], ("Retell LLM", "conversation flow"), (6, 15), strict=True):
        assert line.startswith(f"{label}: concurrent wall ")
        assert f"{calls} model calls" in line  # LLM: begin reply + 1 per turn; flow: + a prompt condition per turn
        assert re.search(r"= \d+\.\d\dx \(aim <= 1\.5x", line)
        assert re.search(r"engine cost \d+\.\d{3} ms per turn", line)
    assert lines[3].startswith("load average after: ")


def test_the_floor_is_the_longest_conversations_model_time() -> None:
    import asyncio

    bench = load()
    figures = asyncio.run(bench.concurrent(bench.LLM, 4, 3, 5.0))
    assert figures.calls == 4 * 3  # a static begin message, then one reply per user turn
    assert figures.floor_s == pytest.approx(3 * 0.005)
    assert figures.wall_s >= figures.floor_s
    assert figures.slept_s >= figures.floor_s
