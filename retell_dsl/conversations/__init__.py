"""Conversations with deployed agents through the official SDK client, and what happened in them.

The same driver runs on the embedded emulator and on Retell: :func:`chat`, :func:`playground`,
:func:`web_call` (emulator only). A :class:`CallResult` is normalised from Retell's own shapes;
assert on it with ``result.expect`` (a fresh :class:`Expect` cursor each time), or opt in to LLM
judging with a :class:`Judge` (an immutable :class:`Verdict`; :mod:`~retell_dsl.conversations.calibration`
measures a judge against labelled transcripts). :class:`ToolMocks`
and :func:`plug_engine` set up the emulator's local engine per test (a scripted model:
:class:`ScriptedModel` / :class:`Rule`).
"""

from __future__ import annotations

from retell_dsl.conversations.driver import ChatConversation, NotSupported, Playground, Turn, chat, playground, web_call
from retell_dsl.conversations.expect import Expect, args_match
from retell_dsl.conversations.judge import (
    JUDGE_MODEL_ENV,
    Judge,
    JudgeFailed,
    Subject,
    Verdict,
    judge_model,
    judge_transcript,
)
from retell_dsl.conversations.local import MockedTool, ModelSwitch, ToolMocks, configured_model, plug_engine
from retell_dsl.conversations.result import CallResult, Event, events_of
from retell_dsl.conversations.statistics import PassRate, wilson_interval
from retell_dsl.sim.models import Model, ModelError, NoModel, Rule, ScriptedModel, ScriptIncomplete

__all__ = [
    "JUDGE_MODEL_ENV",
    "CallResult",
    "ChatConversation",
    "Event",
    "Expect",
    "Judge",
    "JudgeFailed",
    "MockedTool",
    "Model",
    "ModelError",
    "ModelSwitch",
    "NoModel",
    "NotSupported",
    "PassRate",
    "Playground",
    "Rule",
    "ScriptIncomplete",
    "ScriptedModel",
    "Subject",
    "ToolMocks",
    "Turn",
    "Verdict",
    "args_match",
    "chat",
    "configured_model",
    "events_of",
    "judge_model",
    "judge_transcript",
    "playground",
    "plug_engine",
    "web_call",
    "wilson_interval",
]
