"""The route table is one literal, of named handlers imported statically; the emulator's modules form a DAG."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

import retell_dsl.emulator
from retell_dsl.emulator import Emulator, EmuRequest
from retell_dsl.emulator.router import Router
from retell_dsl.emulator.routes import ROUTES

PACKAGE = Path(retell_dsl.emulator.__file__).parent


def _routes_literal() -> ast.expr:
    tree = ast.parse((PACKAGE / "routes.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "ROUTES":
            assert node.value is not None
            return node.value
    raise AssertionError("routes.py has no ROUTES assignment")


def test_the_table_is_one_literal_of_strings_and_named_handlers() -> None:
    table = _routes_literal()
    assert isinstance(table, ast.Tuple)
    assert len(table.elts) == len(ROUTES)
    for row in table.elts:
        assert isinstance(row, ast.Tuple) and len(row.elts) == 3, ast.unparse(row)
        method, template, handler = row.elts
        assert isinstance(method, ast.Constant) and isinstance(method.value, str), ast.unparse(row)
        assert isinstance(template, ast.Constant) and isinstance(template.value, str), ast.unparse(row)
        assert isinstance(handler, ast.Attribute) and isinstance(handler.value, ast.Name), ast.unparse(row)
    source = (PACKAGE / "routes.py").read_text()
    assert "lambda" not in source and "__import__" not in source and "importlib" not in source


def test_every_route_is_unique_and_every_handler_a_named_public_function() -> None:
    names = [f"{method} {template}" for method, template, _ in ROUTES]
    assert len(names) == len(set(names))
    handlers = [handler for _, _, handler in ROUTES]
    assert len(handlers) == len(set(handlers)), "one handler per route"
    for handler in handlers:
        assert inspect.isfunction(handler) and handler.__name__ != "<lambda>", handler
        module = importlib.import_module(handler.__module__)
        assert handler.__module__.startswith("retell_dsl.emulator.handlers."), handler.__module__
        assert getattr(module, handler.__name__) is handler
        assert handler.__name__ in module.__all__
        assert handler.__doc__, f"{handler.__module__}.{handler.__name__} has no docstring"
        assert list(inspect.signature(handler).parameters) == ["state", "req", "params"]


def test_the_router_is_built_from_the_table_in_order() -> None:
    emu = Emulator()
    assert [(r.method, r.template, r.handler) for r in emu.router.routes] == list(ROUTES)
    for method, template, handler in ROUTES:
        path = template.replace("{", "").replace("}", "")  # every placeholder filled with its own name
        match = emu.router.match(method, path)
        assert match is not None and match[0].handler is handler, (method, template)


def test_a_route_given_twice_is_refused() -> None:
    handler = ROUTES[0][2]
    with pytest.raises(ValueError, match="GET /x is registered twice"):
        Router.from_table([("GET", "/x", handler), ("GET", "/x", handler)])


def test_an_import_error_in_a_handler_module_fails_loudly() -> None:
    """A broken handler module must break the emulator's import, not turn its routes into 501s."""
    script = """
import importlib.abc, sys
class Broken(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "retell_dsl.emulator.handlers.chats":
            raise ImportError("simulated breakage in handlers.chats")
        return None
sys.meta_path.insert(0, Broken())
from retell_dsl.emulator import Emulator
print("imported")
"""
    done = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0, done.stdout
    assert "imported" not in done.stdout
    assert "simulated breakage in handlers.chats" in done.stderr


def test_an_unknown_path_still_answers_501_naming_it() -> None:
    emu = Emulator()
    headers = {"authorization": f"Bearer {emu.api_key}"}
    resp = emu.handle(EmuRequest.build("GET", "/no-such-endpoint", "", headers, b""))
    assert resp.status == 501
    assert "GET /no-such-endpoint" in resp.json()["message"]


# --------------------------------------------------------------------------- module graph


def _emulator_imports(path: Path) -> set[str]:
    """Modules of ``retell_dsl.emulator`` that ``path`` imports (at any level, TYPE_CHECKING included)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("retell_dsl.emulator"):
            found.add(node.module)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (PACKAGE / Path(*candidate.split(".")[2:])).with_suffix(".py").exists():
                    found.add(candidate)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("retell_dsl.emulator"))
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        graph[name] = _emulator_imports(path) - {name}
    return graph


def test_the_emulator_modules_form_a_dag() -> None:
    graph = _graph()
    ignored = {"retell_dsl.emulator"}  # the package facade re-exports; nothing inside imports it
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph.get(node, set()) - ignored):
            if state.get(dep) == 1:
                raise AssertionError("import cycle: " + " -> ".join([*trail, node, dep]))
            if dep not in state:
                visit(dep, [*trail, node])
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])
    assert "retell_dsl.emulator.domain.calls" in graph and "retell_dsl.emulator.domain.batch_calls" in graph


def test_domain_modules_know_nothing_of_requests() -> None:
    request_side = {
        "retell_dsl.emulator.body",
        "retell_dsl.emulator.messages",
        "retell_dsl.emulator.router",
        "retell_dsl.emulator.routes",
        "retell_dsl.emulator.core",
        "retell_dsl.emulator.transport",
    }
    for module, deps in _graph().items():
        if module.startswith("retell_dsl.emulator.domain"):
            bad = {d for d in deps if d in request_side or d.startswith("retell_dsl.emulator.handlers")}
            assert not bad, f"{module} imports {sorted(bad)}"


def test_resolve_agent_version_lives_in_the_versions_domain_module_only() -> None:
    defined = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*.py")
        if "def resolve_agent_version(" in path.read_text()
    ]
    assert defined == ["domain/versions.py"]
