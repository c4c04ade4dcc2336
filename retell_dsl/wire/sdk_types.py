"""Load single modules of retell-sdk's ``retell.types`` without importing the whole SDK.

``import retell.types.agent_create_params`` first runs ``retell/__init__.py`` and
``retell/types/__init__.py``, which import the client, httpx and every one of the SDK's
hundreds of type modules (about a second of CPU). The offline commands (lint, compile, graph)
need only the request ``TypedDict`` modules of seven create endpoints. :func:`sdk_types` loads
those modules alone: while ``retell`` is not imported yet, it registers the two packages as
*deferred* modules (their ``__path__`` is set so submodules can be found, their ``__init__`` has
not run), imports the submodules, and leaves the packages deferred: the first time any other
name of them is asked for (``retell.Retell``, ``from retell.types import AgentResponse``), the
package's real ``__init__`` runs in place, so the SDK then behaves exactly as if imported
normally, with the same module objects.

>>> (params,) = sdk_types("agent_create_params")
>>> params.AgentCreateParams.__name__
'AgentCreateParams'
>>> import retell
>>> retell.Retell.__name__   # the rest of the SDK loads on first use
'Retell'
"""

from __future__ import annotations

import importlib
import importlib.machinery
import importlib.util
import sys
import threading
import types
from typing import Any

__all__ = ["defer_sdk", "sdk_types"]

_LOCK = threading.RLock()
_PACKAGES = ("retell", "retell.types")


class _Deferred(types.ModuleType):
    """A package whose ``__init__`` runs on the first lookup of a name it does not have yet."""

    def __getattr__(self, name: str) -> Any:
        with _LOCK:
            if type(self) is _Deferred and not self.__dict__.get("_retell_dsl_loading"):
                self.__dict__["_retell_dsl_loading"] = True
                try:
                    spec = self.__spec__
                    assert spec is not None and spec.loader is not None
                    spec.loader.exec_module(self)  # the real __init__, in this very module object
                    self.__class__ = types.ModuleType  # type: ignore[assignment]  # a plain module from now on
                finally:
                    self.__dict__.pop("_retell_dsl_loading", None)
        # during its own __init__ (same thread), a missing name is missing, as in any partly imported module
        return types.ModuleType.__getattribute__(self, name)


def _defer(name: str, parent_path: list[str] | None) -> None:
    spec = importlib.machinery.PathFinder.find_spec(name, parent_path)
    if spec is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _Deferred
    sys.modules[name] = module
    if parent_path is not None:
        setattr(sys.modules[name.rpartition(".")[0]], name.rpartition(".")[2], module)


def defer_sdk() -> None:
    """Register ``retell`` and ``retell.types`` as deferred packages unless they are imported already.

    After this, ``import retell`` is nearly free; the SDK loads when a name of it is first used
    (``retell.Retell``, ``retell.RetellError``), exactly as a plain import would have loaded it.
    """
    with _LOCK:
        if "retell" not in sys.modules:
            _defer("retell", None)
        if "retell.types" not in sys.modules:
            _defer("retell.types", list(sys.modules["retell"].__path__))


def sdk_types(*names: str) -> tuple[types.ModuleType, ...]:
    """The modules ``retell.types.<name>``, loaded without the rest of the SDK when it is not loaded yet."""
    with _LOCK:
        defer_sdk()
        return tuple(importlib.import_module(f"retell.types.{name}") for name in names)
