"""The README's Python examples run (in order, sharing one namespace), so the docs stay true."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 3


def test_readme_python_examples_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("RETELL_API_KEY", raising=False)
    namespace: dict[str, object] = {}
    ran = 0
    for block in BLOCKS:
        if "agent_123" in block:  # the toolkit example names placeholder ids on purpose
            continue
        exec(compile(block, str(README), "exec"), namespace)
        ran += 1
    assert ran >= 3
    assert "stack" in namespace and "draft" in namespace
