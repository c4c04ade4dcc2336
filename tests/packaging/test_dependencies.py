"""pyproject.toml declares every distribution the code imports: runtime code needs runtime
dependencies, the tests may also use the ``dev`` extra."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = {"retell_dsl", "pytest_retell", "tests", "examples", "tools"}


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirements(group: str | None = None) -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] if group is None else project["optional-dependencies"][group]
    return {_normalize(req.name): req for req in map(Requirement, lines)}


def _imported_distributions(*folders: str) -> dict[str, str]:
    """distribution -> one file importing it, for every absolute import under ``folders``."""
    owners = packages_distributions()
    found: dict[str, str] = {}
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                elif isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "import_module" and node.args:
                    first = node.args[0]  # importlib.import_module("jsonschema")
                    names = [first.value] if isinstance(first, ast.Constant) and isinstance(first.value, str) else []
                else:
                    continue
                for name in names:
                    top = name.split(".")[0]
                    if top in FIRST_PARTY or top in sys.stdlib_module_names:
                        continue
                    for dist in owners.get(top, [top]):
                        found.setdefault(_normalize(dist), str(path.relative_to(ROOT)))
    return found


def test_runtime_code_imports_only_runtime_dependencies() -> None:
    declared = _requirements()
    missing = {d: f for d, f in _imported_distributions("retell_dsl", "pytest_retell").items() if d not in declared}
    assert missing == {}


def test_tests_import_only_declared_dependencies() -> None:
    declared = _requirements() | _requirements("dev")
    missing = {d: f for d, f in _imported_distributions("tests", "examples").items() if d not in declared}
    assert missing == {}


@pytest.mark.parametrize("name", ["mcp", "mcp-types"])
def test_mcp_is_pinned_to_the_2x_api(name: str) -> None:
    spec = _requirements()[name].specifier
    assert not spec.contains(Version("1.27.0")) and not spec.contains(Version("3.0.0"))
    assert spec.contains(Version("2.0.0")) and spec.contains(Version("2.3.0"))
