"""The conversation engine: runs a Retell agent's response engine turn by turn, offline.

It interprets the wire form Retell stores (Retell LLM, conversation flow and agent JSON), never
builder objects, and depends only on :mod:`retell_dsl.wire`, :mod:`retell_dsl.errors` and httpx
(for model providers and tool calls). The emulator reaches it through the engine Protocol the
emulator declares; nothing here imports the emulator, deploy or the CLI.

Sub-packages: ``models`` (the :class:`Model` interface, an OpenAI-compatible provider and a
scripted model), ``tools`` (custom-function HTTP calls signed like Retell, tool mocks, in-process
and ASGI handlers, JavaScript code tools) and ``kb`` (knowledge-base chunking and retrieval).
"""

from __future__ import annotations

import importlib as _importlib
import typing as _typing

#: The documented names of ``retell_dsl.sim`` → the module defining each (loaded on first use).
_NAMES: dict[str, str] = {
    "AgentSwapped": "retell_dsl.sim.events",
    "CallFacts": "retell_dsl.sim.runtime",
    "Dtmf": "retell_dsl.sim.events",
    "Ended": "retell_dsl.sim.events",
    "EngineFailed": "retell_dsl.sim.events",
    "Event": "retell_dsl.sim.events",
    "Interrupt": "retell_dsl.sim.callers",
    "KnowledgeBaseIndex": "retell_dsl.sim.kb",
    "KnowledgeRetrieved": "retell_dsl.sim.events",
    "Limits": "retell_dsl.sim.runtime",
    "ManualClock": "retell_dsl.sim.runtime",
    "Model": "retell_dsl.sim.models",
    "ModelNotConfigured": "retell_dsl.sim.models",
    "ModelUsed": "retell_dsl.sim.events",
    "NoModel": "retell_dsl.sim.models",
    "NodeTransition": "retell_dsl.sim.events",
    "OpenAICompatible": "retell_dsl.sim.models",
    "PersonaCaller": "retell_dsl.sim.callers",
    "Rule": "retell_dsl.sim.models",
    "ScriptCaller": "retell_dsl.sim.callers",
    "ScriptedModel": "retell_dsl.sim.models",
    "Session": "retell_dsl.sim.runtime",
    "SmsSent": "retell_dsl.sim.events",
    "StartAt": "retell_dsl.sim.runtime",
    "StateTransition": "retell_dsl.sim.events",
    "ToolInvoked": "retell_dsl.sim.events",
    "ToolReturned": "retell_dsl.sim.events",
    "TransferAgentRunner": "retell_dsl.sim.warm",
    "TransferAttempted": "retell_dsl.sim.events",
    "Utterance": "retell_dsl.sim.events",
    "VariablesSet": "retell_dsl.sim.events",
    "WarmTransfer": "retell_dsl.sim.runtime",
    "caller_from_json": "retell_dsl.sim.callers",
    "converse": "retell_dsl.sim.drive",
    "default_model": "retell_dsl.sim.models",
}

__all__ = sorted(_NAMES)  # noqa: PLE0605 -- derived from _NAMES


def __getattr__(name: str) -> _typing.Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(_importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
