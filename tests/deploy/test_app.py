"""Loading a stack leaves ``sys.path`` and ``sys.modules`` as they were, and reads files afresh each time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from retell_dsl.deploy import load_stack

APP = """
from helper import NAME
from retell_dsl import RetellLLM, Stack
stack = Stack(name=NAME).add(RetellLLM(name="m").prompt("Hi."))
"""


def _project(root: Path, name: str) -> Path:
    folder = root / "same" / "proj"  # two projects whose files get the same module name
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(APP)
    (folder / "helper.py").write_text(f"NAME = {name!r}\n")
    return folder / "app.py"


def test_load_stack_is_isolated_and_fresh(tmp_path: Path) -> None:
    first, second = _project(tmp_path / "one", "first"), _project(tmp_path / "two", "second")
    path_before, modules_before = list(sys.path), set(sys.modules)
    assert load_stack(str(first), "dev").name == "first"
    assert sys.path == path_before
    assert {m for m in set(sys.modules) - modules_before if m == "helper" or m.startswith("_retell_app_")} == set()
    assert load_stack(str(second), "dev").name == "second"  # not the first project's helper or module
    (first.parent / "helper.py").write_text("NAME = 'edited'\n")
    assert load_stack(str(first), "dev").name == "edited"  # read afresh
    assert sys.path == path_before


def test_module_attribute_form_is_isolated_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mystack.py").write_text(APP.replace("from helper import NAME", "NAME = 'by module'"))
    path_before = list(sys.path)
    assert load_stack("mystack:stack", "dev").name == "by module"
    assert sys.path == path_before and "mystack" not in sys.modules
