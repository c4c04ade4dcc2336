"""pytest-retell: test Retell voice agents with pytest, offline against the embedded emulator.

The fixtures come from the ``pytest11`` entry point (:mod:`pytest_retell.plugin`). The names a
test file needs are importable from here, loaded on first use (so the plugin stays light):
:class:`Rule` / :class:`ScriptedModel` (script the agent's turns), :class:`ToolMocks`, and the
results (:class:`CallResult`, its :class:`Expect` cursor, a :class:`ChatConversation`).

>>> from pytest_retell import Rule
>>> Rule(node="greet").say("Hi!").describe()
"node='greet' → say 'Hi!'"
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from retell_dsl.conversations import CallResult, ChatConversation, Expect, Rule, ScriptedModel, ToolMocks

__all__ = ["CallResult", "ChatConversation", "Expect", "Rule", "ScriptedModel", "ToolMocks"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        return getattr(importlib.import_module("retell_dsl.conversations"), name)
    raise AttributeError(f"module 'pytest_retell' has no attribute {name!r}")
