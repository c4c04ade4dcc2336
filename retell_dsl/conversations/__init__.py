"""Conversations with deployed agents through the official SDK client, and what happened in them.

The same driver runs on the embedded emulator and on Retell: :func:`chat`, :func:`playground`,
:func:`web_call` (emulator only). A :class:`CallResult` is normalised from Retell's own shapes;
assert on it with ``result.expect`` (a fresh :class:`Expect` cursor each time). :class:`ToolMocks`
and :func:`plug_engine` set up the emulator's local engine per test (a scripted model:
:class:`ScriptedModel` / :class:`Rule`). :func:`agent_maps` and :class:`AgentCoverage` measure which
nodes, edges, states, transitions and tools of deployed agents conversations exercised.
"""

from __future__ import annotations

from retell_dsl.conversations.coverage import DIMENSIONS, AgentCoverage, EngineMap, Universe, agent_maps
from retell_dsl.conversations.driver import ChatConversation, NotSupported, Playground, Turn, chat, playground, web_call
from retell_dsl.conversations.expect import Expect, args_match
from retell_dsl.conversations.local import MockedTool, ModelSwitch, ToolMocks, configured_model, plug_engine
from retell_dsl.conversations.result import CallResult, Event, events_of
from retell_dsl.sim.models import Rule, ScriptedModel, ScriptIncomplete

__all__ = [
    "DIMENSIONS",
    "AgentCoverage",
    "CallResult",
    "ChatConversation",
    "EngineMap",
    "Event",
    "Expect",
    "MockedTool",
    "ModelSwitch",
    "NotSupported",
    "Playground",
    "Rule",
    "ScriptIncomplete",
    "ScriptedModel",
    "ToolMocks",
    "Turn",
    "Universe",
    "agent_maps",
    "args_match",
    "chat",
    "configured_model",
    "events_of",
    "playground",
    "plug_engine",
    "web_call",
]
