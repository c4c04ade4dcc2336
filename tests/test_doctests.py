"""Run the runnable examples in every module's docstrings (the default pytest run has no --doctest-modules).

Only modules whose source has at least one ``>>>`` example in a docstring are collected, so every
collected item runs something and can fail; each item also checks that doctest really ran an example
(an example doctest cannot see, e.g. in a nested function, would otherwise pass silently).
"""

from __future__ import annotations

import ast
import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import retell_dsl

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_STACKS = ("examples.clinic_receptionist", "examples.outbound_reminders", "examples.support_agent")


def _source(name: str) -> Path:
    """The file of module ``name`` in this checkout (a package's ``__init__.py``)."""
    base = ROOT.joinpath(*name.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def has_examples(path: Path) -> bool:
    """Whether any docstring in ``path`` (module, class, function, at any depth) has a ``>>>`` line.

    >>> has_examples(Path(doctest.__file__))
    True
    """
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            docstring = ast.get_docstring(node, clean=True) or ""
            if any(line.lstrip().startswith(">>>") for line in docstring.splitlines()):
                return True
    return False


ALL_MODULES = sorted(
    {
        info.name
        for info in pkgutil.walk_packages(retell_dsl.__path__, "retell_dsl.")
        if info.name != "retell_dsl.__main__"
    }
    | {"retell_dsl", *EXAMPLE_STACKS}
)
MODULES = [name for name in ALL_MODULES if has_examples(_source(name))]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted >= 1, f"{name} has a >>> example in a docstring that doctest does not run"


def test_collection_finds_the_modules_with_examples() -> None:
    assert set(MODULES) <= set(ALL_MODULES)
    assert "retell_dsl.mcp_server" in MODULES and "retell_dsl.cli._demo" in MODULES
    assert "retell_dsl.__main__" not in MODULES
    assert len(MODULES) < len(ALL_MODULES)  # modules without examples are not collected
    # a module without examples would run nothing: doctest attempts zero examples there
    empty = next(name for name in ALL_MODULES if name not in MODULES)
    assert doctest.testmod(importlib.import_module(empty)).attempted == 0


def test_has_examples_ignores_prompts_outside_docstrings(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text('x = """>>> 1 + 1"""\n# >>> comment\ndef f():\n    """No example."""\n')
    assert not has_examples(source)
    source.write_text('class C:\n    def m(self):\n        """Doc.\n\n        >>> 1 + 1\n        2\n        """\n')
    assert has_examples(source)
