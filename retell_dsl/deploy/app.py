"""Finding the user's stack: ``APP`` is a Python file or ``module:attribute``.

The attribute (or the module's only Stack) may be a :class:`~retell_dsl.builders.stack.Stack`, or a
function taking the environment name and returning one — the way to vary names, webhook URLs,
numbers or dynamic variables per environment::

    def stack(env: str) -> Stack:
        webhook = "https://hooks.example.com/prod" if env == "production" else "https://hooks.example.com/dev"
        return Stack(name="clinic").add(receptionist.with_webhook(webhook))
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from retell_dsl.builders.stack import Stack
from retell_dsl.errors import ConfigurationError

__all__ = ["load_attribute", "load_stack"]

_DEFAULT_NAMES = ("stack", "app", "STACK")
_PREFIX = "_retell_app_"


@contextmanager
def _isolated(directory: Path) -> Iterator[None]:
    """Import with ``directory`` first on ``sys.path``; afterwards leave ``sys.path`` and ``sys.modules`` as
    they were, except for modules from elsewhere (libraries stay imported)."""
    saved_path = list(sys.path)
    before = set(sys.modules)
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        sys.path[:] = saved_path
        for name in set(sys.modules) - before:
            if name.startswith(_PREFIX):
                del sys.modules[name]
                continue
            if name.partition(".")[0] in before:
                continue  # a submodule of a package that was already loaded (retell_dsl itself, say)
            origin = getattr(sys.modules.get(name), "__file__", None) or ""
            if origin and Path(origin).resolve().is_relative_to(directory):
                del sys.modules[name]  # the app's own modules: the next load reads them afresh


def _import(target: str) -> ModuleType:
    """Import the app's module without changing ``sys.path`` or ``sys.modules`` for good.

    The plugin and the MCP server load stacks many times per session: each load must read the
    files as they are now, and two apps whose files share a name must not see each other's modules.
    """
    path = Path(target)
    if target.endswith(".py") or path.exists():
        if not path.is_file():
            raise ConfigurationError(f"no such file: {target}")
        resolved = path.resolve()
        name = _PREFIX + "_".join(resolved.with_suffix("").parts[-3:]).replace("-", "_")
        spec = importlib.util.spec_from_file_location(name, resolved)
        if spec is None or spec.loader is None:
            raise ConfigurationError(f"cannot import {target}")
        module = importlib.util.module_from_spec(spec)
        with _isolated(resolved.parent):
            sys.modules[name] = module  # while it runs: dataclasses and pickling look it up here
            spec.loader.exec_module(module)
        return module
    with _isolated(Path.cwd().resolve()):
        try:
            return importlib.import_module(target)
        except ModuleNotFoundError as exc:
            raise ConfigurationError(f"cannot import {target!r}: {exc}") from exc


def _only_stack(module: ModuleType) -> Any:
    for name in _DEFAULT_NAMES:
        if hasattr(module, name):
            return getattr(module, name)
    stacks = [v for v in vars(module).values() if isinstance(v, Stack)]
    if len(stacks) == 1:
        return stacks[0]
    found = "several Stacks" if stacks else "no Stack"
    raise ConfigurationError(
        f"{module.__name__} defines {found}; name one with APP=module:attribute (or call it 'stack')"
    )


def load_attribute(app: str, choose: Callable[[ModuleType], Any] = _only_stack) -> Any:
    """Import ``app`` (a Python file or a module, then optionally ``:attribute``) and return the attribute.

    Without ``:attribute``, ``choose(module)`` picks the value (by default the module's Stack).
    Raises :class:`~retell_dsl.errors.ConfigurationError` when the file, module or attribute is missing.
    """
    target, _, attribute = app.partition(":")
    if len(target) == 1 and attribute.startswith(("\\", "/")):  # a Windows drive letter, not module:attr
        target, attribute = app, ""
    module = _import(target)
    if not attribute:
        return choose(module)
    if not hasattr(module, attribute):
        raise ConfigurationError(f"{target} has no attribute {attribute!r}")
    return getattr(module, attribute)


def load_stack(app: str, environment: str) -> Stack:
    """Import ``app`` and return its Stack for ``environment``."""
    obj = load_attribute(app)
    if isinstance(obj, Stack):
        return obj
    if callable(obj):
        params = inspect.signature(obj).parameters
        result = obj(environment) if params else obj()
        if isinstance(result, Stack):
            return result
        raise ConfigurationError(f"{app} returned {type(result).__name__}, not a Stack")
    raise ConfigurationError(f"{app} is a {type(obj).__name__}, not a Stack or a function returning one")
