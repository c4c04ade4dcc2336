"""Conversations with deployed agents through the official SDK client, and what happened in them.

The same driver runs on the embedded emulator and on Retell: :func:`chat`, :func:`playground`,
:func:`web_call` (emulator only). A :class:`CallResult` is normalised from Retell's own shapes;
assert on it with ``result.expect`` (a fresh :class:`Expect` cursor each time). :class:`ToolMocks`
and :func:`plug_engine` set up the emulator's local engine per test (a scripted model:
:class:`ScriptedModel` / :class:`Rule`).
"""

from __future__ import annotations

from retell_dsl.conversations.driver import ChatConversation, NotSupported, Playground, Turn, chat, playground, web_call
from retell_dsl.conversations.expect import Expect, args_match
from retell_dsl.conversations.live import NO_AUDIO, KeyRefused, check_access, create_web_call
from retell_dsl.conversations.local import MockedTool, ModelSwitch, ToolMocks, configured_model, plug_engine
from retell_dsl.conversations.result import CallResult, Event, events_of
from retell_dsl.conversations.simulation import Backoff, Scenario, SimulationRun, engine_of_agent, run_simulation
from retell_dsl.sim.models import Rule, ScriptedModel, ScriptIncomplete

__all__ = [
    "NO_AUDIO",
    "Backoff",
    "CallResult",
    "ChatConversation",
    "Event",
    "Expect",
    "KeyRefused",
    "MockedTool",
    "ModelSwitch",
    "NotSupported",
    "Playground",
    "Rule",
    "Scenario",
    "ScriptIncomplete",
    "ScriptedModel",
    "SimulationRun",
    "ToolMocks",
    "Turn",
    "args_match",
    "chat",
    "check_access",
    "configured_model",
    "create_web_call",
    "engine_of_agent",
    "events_of",
    "playground",
    "plug_engine",
    "run_simulation",
    "web_call",
]
