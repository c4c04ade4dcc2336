"""The import layers of DESIGN.md ("Layers"): data flows one way, and this test keeps it so.

``ALLOWED`` is the literal table of which top-level part of ``retell_dsl`` (a subpackage or a
module directly under ``retell_dsl/``; ``retell_dsl`` itself is the public facade, ``__init__.py``)
may import which other part. Every ``import`` / ``from ... import`` of every module is checked with
``ast``: at module level, inside functions, under ``try`` and under ``if TYPE_CHECKING:``.

**TYPE_CHECKING imports count like any other import.** A lower layer that needs a type of a
higher one for its annotations is coupled to it all the same (and mypy follows the edge); such a
type belongs in the lower layer. Docstring examples (``>>> from retell_dsl import ...``) are text,
not imports, and are not checked.

Also checked: the parts import each other without cycles; the table itself is one-way (a DAG);
a module imports another part's private modules (``retell_dsl.x._y``) only where ``KNOWN_PRIVATE``
says so; ``pytest_retell`` imports only public modules. Run ``python -m tests.test_layers`` to
print the package import graph.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FACADE = "retell_dsl"

_BASE = frozenset({"wire", "naming", "errors"})
_SPEC = _BASE | {"builders"}
_COMPILED = _SPEC | {"compiler", "validation", "checked"}

#: part → the parts it may import (besides itself). Lowest layers first.
ALLOWED: dict[str, frozenset[str]] = {
    "wire": frozenset(),  # pure facts about Retell JSON: imports nothing of the project
    "naming": frozenset(),  # the facade's list of public names and publish(): imports nothing of the project
    "errors": frozenset({"naming"}),
    "builders": _BASE,
    "compiler": _SPEC,  # raw compile: pure and unchecked, never validation
    "validation": _SPEC | {"compiler"},  # compiles parts of specs to check them
    "checked": _SPEC | {"compiler", "validation"},  # the checked compile(): validate, then compile
    "graph": _COMPILED,
    "emulator": frozenset({"wire"}),  # depends only on wire; declares the engine Protocol
    "sim": _BASE,  # planned: the conversation engine, reaches the emulator through its Protocol
    # the real engine behind the emulator's port: imports both sides, neither imports it
    "simulator": _BASE | {"emulator", "sim"},
    "target": _BASE | {"emulator", "sim", "simulator"},  # the SDK client: live Retell or the emulator (+ engine)
    "toolkit": _BASE | {"target"},
    "deploy": _COMPILED | {"target"},
    # above deploy + target; re-plugs the emulator's local engine (model, tool mocks) per test
    "conversations": _COMPILED | {"deploy", "target", "sim", "simulator"},
    "importer": _COMPILED | {"deploy", "target", FACADE},  # uses the facade's names for generated code
    FACADE: frozenset({"naming", "builders", "compiler", "validation", "checked", "graph", "errors"}),
    "mcp_server": _BASE | {"toolkit", "target", FACADE},
    "cli": _COMPILED
    | {
        "graph",
        "emulator",
        "sim",
        "simulator",
        "target",
        "toolkit",
        "deploy",
        "conversations",
        "importer",
        "mcp_server",
        FACADE,
    },
    "__main__": frozenset({"cli"}),
    # the pytest plugin: only the public facade and documented namespaces
    "pytest_retell": frozenset({FACADE, "errors", "deploy", "target", "conversations"}),
}
#: Parts the table places although they do not exist yet.
PLANNED = frozenset({"sim"})

#: (part, imported part) → who removes the edge. Listed edges pass; an edge listed here that no
#: longer occurs fails the test, so the list only shrinks. (None today.)
KNOWN_VIOLATIONS: dict[tuple[str, str], str] = {}

#: private module → why other parts may still import it, and who changes that.
KNOWN_PRIVATE: dict[str, str] = {}  # (none today: the builders' shared base is retell_dsl.builders.base)


@dataclass(frozen=True, slots=True)
class Import:
    """One import statement: where it is, which part it is in, the module it imports and its part."""

    file: str
    line: int
    source: str
    module: str
    target: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.source} imports {self.module} ({self.source} → {self.target})"


def _module_name(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _part_of(module: str, root: Path) -> str | None:
    """The table entry a module belongs to (None for modules outside the project)."""
    parts = module.split(".")
    if parts[0] == "pytest_retell":
        return "pytest_retell"
    if parts[0] != FACADE:
        return None
    if len(parts) == 1:
        return FACADE
    name = parts[1]
    if (root / FACADE / name).is_dir() or (root / FACADE / f"{name}.py").is_file():
        return name
    return FACADE  # a name defined in the facade (e.g. retell_dsl.__version__)


def _imported(node: ast.Import | ast.ImportFrom, here: list[str], is_package: bool) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    if node.level:
        package = here if is_package else here[:-1]
        base = package[: len(package) - node.level + 1]
        module = ".".join([*base, *([node.module] if node.module else [])])
    else:
        module = node.module or ""
    if module == FACADE:  # from retell_dsl import compiler → the submodule; import compile → the facade
        yield from (f"{FACADE}.{alias.name}" for alias in node.names)
    else:
        yield module


def imports(root: Path = ROOT) -> list[Import]:
    """Every project import of every module of ``retell_dsl`` and ``pytest_retell`` under ``root``."""
    out: list[Import] = []
    for package in (FACADE, "pytest_retell"):
        for path in sorted((root / package).rglob("*.py")):
            here = _module_name(path, root)
            source = _part_of(".".join(here), root)
            assert source is not None
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                for module in _imported(node, here, path.name == "__init__.py"):
                    target = _part_of(module, root)
                    if target is not None:
                        rel = path.relative_to(root).as_posix()
                        out.append(Import(rel, node.lineno, source, module, target))
    return out


def parts(root: Path = ROOT) -> set[str]:
    """The parts present under ``root``: the facade, each subpackage and module of it, and the plugin."""
    present = {FACADE} | ({"pytest_retell"} if (root / "pytest_retell").is_dir() else set())
    for path in (root / FACADE).iterdir():
        if path.is_dir() and (path / "__init__.py").is_file():
            present.add(path.name)
        elif path.suffix == ".py" and path.name != "__init__.py":
            present.add(path.stem)
    return present


def package_graph(found: list[Import], root: Path = ROOT) -> dict[str, set[str]]:
    """part → the other parts it imports (every present part, also those importing nothing)."""
    graph: dict[str, set[str]] = {part: set() for part in parts(root)}
    for imp in found:
        graph.setdefault(imp.source, set())
        if imp.target != imp.source:
            graph[imp.source].add(imp.target)
    return graph


def cycles(graph: Mapping[str, set[str] | frozenset[str]]) -> list[list[str]]:
    """One cycle (as a path back to its start) per strongly connected group of parts, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in graph.get(v, ()):
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def violations(found: list[Import]) -> list[str]:
    """Every import the table does not allow, as ``file:line: ... (source → target)`` lines."""
    out = []
    for imp in found:
        if imp.target == imp.source or (imp.source, imp.target) in KNOWN_VIOLATIONS:
            continue
        allowed = ALLOWED.get(imp.source)
        if allowed is None:
            out.append(f"{imp}: {imp.source!r} is not in the layer table; place it in ALLOWED")
        elif imp.target not in allowed:
            shown = ", ".join(sorted(allowed)) or "nothing of the project"
            out.append(f"{imp}: {imp.source} may not import {imp.target} (allowed: {shown})")
    return out


def private_imports(found: list[Import]) -> list[str]:
    """Imports of another part's private module (a ``_name`` segment after the part)."""
    out = []
    for imp in found:
        private = next((i for i, p in enumerate(imp.module.split(".")) if i >= 2 and p.startswith("_")), None)
        if private is None or imp.target == imp.source:
            continue
        module = ".".join(imp.module.split(".")[: private + 1])
        if imp.source == "pytest_retell" or module not in KNOWN_PRIVATE:
            out.append(f"{imp}: {module} is private to {imp.target}")
    return out


FOUND = imports()


def test_no_import_crosses_a_layer_the_wrong_way() -> None:
    assert violations(FOUND) == []


def test_parts_import_each_other_without_cycles() -> None:
    assert cycles(package_graph(FOUND)) == []


def test_the_table_is_one_way() -> None:
    assert cycles(ALLOWED) == []
    assert set().union(*ALLOWED.values()) <= set(ALLOWED)


def test_every_part_of_the_package_is_in_the_table() -> None:
    present = parts()
    assert present - set(ALLOWED) == set()
    assert set(ALLOWED) - present <= PLANNED


def test_known_violations_still_occur() -> None:
    edges = {(i.source, i.target) for i in FOUND}
    assert [edge for edge in KNOWN_VIOLATIONS if edge not in edges] == []
    modules = {".".join(i.module.split(".")[:3]) for i in FOUND if i.source != i.target}
    assert [m for m in KNOWN_PRIVATE if m not in modules] == []


def test_no_part_imports_another_parts_private_modules() -> None:
    assert private_imports(FOUND) == []


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("retell_dsl.compiler", ("retell_dsl.validation", "retell_dsl.checked")),
        ("retell_dsl.wire", ("retell_dsl.builders", "retell_dsl.errors", "retell_dsl.compiler")),
        ("retell_dsl.validation", ("retell_dsl.checked", "retell_dsl.graph", "retell_dsl.deploy")),
    ],
)
def test_importing_a_layer_loads_nothing_above_it(module: str, forbidden: tuple[str, ...]) -> None:
    code = f"import sys, {module}; print(sorted(m for m in sys.modules if m.startswith({forbidden!r})))"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120, check=True)
    assert out.stdout.strip() == "[]"


# ------------------------------------------------------------------- the checker itself


def _tree(tmp_path: Path, files: Mapping[str, str]) -> Path:
    for name, text in {"retell_dsl/__init__.py": "", "pytest_retell/__init__.py": "", **files}.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_a_back_edge_fails_with_file_line_and_edge(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "retell_dsl/wire/__init__.py": "",
            "retell_dsl/errors.py": "",
            "retell_dsl/builders/__init__.py": "",
            "retell_dsl/validation/__init__.py": "",
            "retell_dsl/compiler/__init__.py": "from retell_dsl.builders import x\n",
            "retell_dsl/compiler/flow.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n"
                "    from retell_dsl.validation import Issues\n"
                "def f():\n"
                "    from ..validation import validate\n"
                "    import retell_dsl.errors\n"
            ),
            "retell_dsl/wire/flow.py": "from retell_dsl import compile\nfrom retell_dsl import errors\n",
        },
    )
    assert violations(imports(root)) == [
        "retell_dsl/compiler/flow.py:3: compiler imports retell_dsl.validation (compiler → validation): compiler may"
        " not import validation (allowed: builders, errors, naming, wire)",
        "retell_dsl/compiler/flow.py:5: compiler imports retell_dsl.validation (compiler → validation): compiler may"
        " not import validation (allowed: builders, errors, naming, wire)",
        "retell_dsl/wire/flow.py:1: wire imports retell_dsl.compile (wire → retell_dsl): wire may not import"
        " retell_dsl (allowed: nothing of the project)",
        "retell_dsl/wire/flow.py:2: wire imports retell_dsl.errors (wire → errors): wire may not import errors"
        " (allowed: nothing of the project)",
    ]


def test_cycles_and_private_imports_are_found(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "retell_dsl/compiler/__init__.py": "from retell_dsl.validation._collect import C\n",
            "retell_dsl/compiler/_emit.py": "",
            "retell_dsl/validation/__init__.py": "from retell_dsl.compiler import raw_payload\n",
            "retell_dsl/validation/_collect.py": "from . import issues\nfrom ._x import y\n",
            "pytest_retell/plugin.py": "from retell_dsl.deploy._x import y\nfrom retell_dsl import compile\n",
            "retell_dsl/deploy/__init__.py": "",
        },
    )
    found = imports(root)
    assert cycles(package_graph(found, root)) == [["compiler", "validation"]]
    assert private_imports(found) == [
        "retell_dsl/compiler/__init__.py:1: compiler imports retell_dsl.validation._collect (compiler → validation):"
        " retell_dsl.validation._collect is private to validation",
        "pytest_retell/plugin.py:1: pytest_retell imports retell_dsl.deploy._x (pytest_retell → deploy):"
        " retell_dsl.deploy._x is private to deploy",
    ]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": set()}) == [["a", "b", "c"], ["d"]]


def test_unplaced_parts_are_reported(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"retell_dsl/newthing/__init__.py": "from retell_dsl import errors\n"})
    (root / "retell_dsl/errors.py").write_text("", encoding="utf-8")
    assert violations(imports(root)) == [
        "retell_dsl/newthing/__init__.py:1: newthing imports retell_dsl.errors (newthing → errors): 'newthing' is not"
        " in the layer table; place it in ALLOWED"
    ]


if __name__ == "__main__":  # print the package import graph
    where = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT
    for part, targets in sorted(package_graph(imports(where), where).items()):
        print(f"{part} -> {', '.join(sorted(targets)) or '(nothing)'}")
