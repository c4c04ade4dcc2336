"""The layer rule for the engine's models and knowledge bases: only the stdlib, httpx, errors and wire."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import retell_dsl

SIM = Path(retell_dsl.__file__).parent / "sim"
MODULES = sorted([*(SIM / "models").rglob("*.py"), *(SIM / "kb").rglob("*.py")])
ALLOWED_PROJECT = ("retell_dsl.errors", "retell_dsl.wire", "retell_dsl.sim.models", "retell_dsl.sim.kb")


def imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def test_the_modules_are_found() -> None:
    assert len(MODULES) >= 8


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SIM)))
def test_only_allowed_imports(path: Path) -> None:
    for name in imports(path):
        top = name.split(".")[0]
        if top == "retell_dsl":
            assert name.startswith(ALLOWED_PROJECT), f"{path.name} imports {name}"
        else:
            assert top in sys.stdlib_module_names or top == "httpx", f"{path.name} imports {name}"
