"""``retell_dsl.sim.tools`` and ``retell_dsl.wire.signature`` import only what the layer rule allows."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import retell_dsl

ROOT = Path(retell_dsl.__file__).parent
FILES = [*sorted((ROOT / "sim" / "tools").glob("*.py")), ROOT / "wire" / "signature.py"]
ALLOWED_PROJECT = ("retell_dsl.errors", "retell_dsl.wire", "retell_dsl.sim.tools")
ALLOWED_THIRD_PARTY = ("httpx", "py_mini_racer")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_imports_stay_inside_the_layer(path: Path) -> None:
    bad = set()
    for name in imported(path):
        top = name.split(".")[0]
        if name.startswith("retell_dsl"):
            if not name.startswith(ALLOWED_PROJECT):
                bad.add(name)
        elif top == "retell" or (top not in ALLOWED_THIRD_PARTY and top not in sys.stdlib_module_names):
            bad.add(name)
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_the_signature_module_imports_nothing_of_the_sdk_or_the_sim() -> None:
    names = imported(ROOT / "wire" / "signature.py")
    assert not any(n.split(".")[0] in ("retell", "httpx") or n.startswith("retell_dsl.sim") for n in names)
