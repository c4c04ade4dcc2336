"""Examples, the README and the docs import only public names (see the policy in ``retell_dsl``'s docstring).

Public means: a name in ``retell_dsl.__all__``, or in the ``__all__`` of a documented namespace
(``retell_dsl.deploy``, ``.target``, ``.emulator``, ``.toolkit``), or of the ``pytest_retell`` plugin.
Imports are read with :mod:`ast` from ``examples/*.py`` (their code and their doctests), the
```` ```python ```` blocks of ``README.md`` and of ``docs/**/*.md``.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PUBLIC_MODULES = (
    "retell_dsl",
    "retell_dsl.deploy",
    "retell_dsl.emulator",
    "retell_dsl.target",
    "retell_dsl.toolkit",
    "retell_dsl.sim",
    "pytest_retell",
)
_BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def _sources() -> list[tuple[str, str]]:
    """``(label, python source)`` of every place users copy code from."""
    out: list[tuple[str, str]] = []
    for path in sorted((ROOT / "examples").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        out.append((str(path.relative_to(ROOT)), text))
        docstring = ast.get_docstring(ast.parse(text)) or ""
        examples = doctest.DocTestParser().get_examples(docstring)
        if examples:
            out.append((f"{path.relative_to(ROOT)} (doctest)", "".join(e.source for e in examples)))
    markdown = [ROOT / "README.md", *sorted((ROOT / "docs").glob("**/*.md"))]
    for path in markdown:
        if path.is_file():
            for i, block in enumerate(_BLOCK.findall(path.read_text(encoding="utf-8"))):
                out.append((f"{path.relative_to(ROOT)} block {i + 1}", block))
    return out


def private_imports(source: str) -> list[str]:
    """Each import of ``source`` that reaches past the public API, as ``module.name`` text.

    >>> private_imports("from retell_dsl import Agent\\nfrom retell_dsl.builders.tools import Handoff")
    ['retell_dsl.builders.tools.Handoff']
    >>> private_imports("import retell_dsl.compiler\\nfrom retell_dsl import _PUBLIC")
    ['retell_dsl.compiler', 'retell_dsl._PUBLIC']
    """
    bad: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in ("retell_dsl", "pytest_retell") and alias.name not in PUBLIC_MODULES:
                    bad.append(alias.name)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in ("retell_dsl", "pytest_retell"):
                continue
            if node.module not in PUBLIC_MODULES:
                bad += [f"{node.module}.{a.name}" for a in node.names]
                continue
            exported = set(importlib.import_module(node.module).__all__)
            bad += [f"{node.module}.{a.name}" for a in node.names if a.name not in exported]
    return bad


SOURCES = _sources()


def test_the_sources_are_found() -> None:
    labels = [label for label, _ in SOURCES]
    assert any(label.startswith("examples/clinic_receptionist.py") for label in labels)
    assert sum(label.startswith("README.md block") for label in labels) >= 3


@pytest.mark.parametrize(("label", "source"), SOURCES, ids=[label for label, _ in SOURCES])
def test_imports_only_public_names(label: str, source: str) -> None:
    assert private_imports(source) == [], f"{label} imports internal names"


def test_the_check_catches_the_old_handoff_import() -> None:
    """``examples/clinic_receptionist.py`` imported ``Handoff`` from an internal module before."""
    assert private_imports("from retell_dsl.builders.tools import Handoff") == ["retell_dsl.builders.tools.Handoff"]
    assert private_imports("from retell_dsl.deploy import StateFile, _internal") == ["retell_dsl.deploy._internal"]
