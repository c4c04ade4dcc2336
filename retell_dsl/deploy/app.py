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
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from retell_dsl.builders.stack import Stack
from retell_dsl.errors import ConfigurationError

__all__ = ["load_attribute", "load_stack"]

_DEFAULT_NAMES = ("stack", "app", "STACK")


def _import(target: str) -> ModuleType:
    path = Path(target)
    if target.endswith(".py") or path.exists():
        if not path.is_file():
            raise ConfigurationError(f"no such file: {target}")
        name = "_retell_app_" + "_".join(path.resolve().with_suffix("").parts[-3:]).replace("-", "_")
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ConfigurationError(f"cannot import {target}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        parent = str(path.resolve().parent)
        if parent not in sys.path:
            sys.path.insert(0, parent)
        spec.loader.exec_module(module)
        return module
    if str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
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
