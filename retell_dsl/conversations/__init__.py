"""Conversations with deployed agents through the official SDK client, and what happened in them.

The same driver runs on the embedded emulator and on Retell: :func:`chat`, :func:`playground`,
:func:`web_call` (emulator only), :func:`phone_call`, :func:`batch_call` and :func:`inbound_call`
(simulated phone users on the emulator; real numbers on Retell only when opted in), and
:class:`WebhookReceiver` collects an agent's signed webhooks. A :class:`CallResult` is normalised
from Retell's own shapes; assert on it with ``result.expect`` (a fresh :class:`Expect` cursor each
time). :class:`ToolMocks` and :func:`plug_engine` set up the emulator's local engine per test (a
scripted model: :class:`ScriptedModel` / :class:`Rule`). :func:`agent_maps` and
:class:`AgentCoverage` measure which nodes, edges, states, transitions and tools of deployed
agents conversations exercised. Opt in to LLM judging with a :class:`Judge` (an immutable
:class:`Verdict`; :mod:`~retell_dsl.conversations.calibration` measures a judge against labelled
transcripts).
"""

from __future__ import annotations

from retell_dsl.conversations.calls import (
    LIVE_PHONE_CALLS_ENV,
    BatchResult,
    CallTimedOut,
    Dial,
    batch_call,
    inbound_call,
    live_phone_calls_allowed,
    phone_call,
)
from retell_dsl.conversations.coverage import DIMENSIONS, AgentCoverage, EngineMap, Universe, agent_maps
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
from retell_dsl.conversations.live import NO_AUDIO, KeyRefused, check_access, create_web_call
from retell_dsl.conversations.local import MockedTool, ModelSwitch, ToolMocks, configured_model, plug_engine
from retell_dsl.conversations.result import CallResult, Event, events_of
from retell_dsl.conversations.simulation import Backoff, Scenario, SimulationRun, engine_of_agent, run_simulation
from retell_dsl.conversations.statistics import PassRate, wilson_interval
from retell_dsl.conversations.webhooks import Delivery, WebhookReceiver
from retell_dsl.sim.models import Model, ModelError, NoModel, Rule, ScriptedModel, ScriptIncomplete

__all__ = [
    "DIMENSIONS",
    "JUDGE_MODEL_ENV",
    "LIVE_PHONE_CALLS_ENV",
    "NO_AUDIO",
    "AgentCoverage",
    "Backoff",
    "BatchResult",
    "CallResult",
    "CallTimedOut",
    "ChatConversation",
    "Delivery",
    "Dial",
    "EngineMap",
    "Event",
    "Expect",
    "Judge",
    "JudgeFailed",
    "KeyRefused",
    "MockedTool",
    "Model",
    "ModelError",
    "ModelSwitch",
    "NoModel",
    "NotSupported",
    "PassRate",
    "Playground",
    "Rule",
    "Scenario",
    "ScriptIncomplete",
    "ScriptedModel",
    "SimulationRun",
    "Subject",
    "ToolMocks",
    "Turn",
    "Universe",
    "Verdict",
    "WebhookReceiver",
    "agent_maps",
    "args_match",
    "batch_call",
    "chat",
    "check_access",
    "configured_model",
    "create_web_call",
    "engine_of_agent",
    "events_of",
    "inbound_call",
    "judge_model",
    "judge_transcript",
    "live_phone_calls_allowed",
    "phone_call",
    "playground",
    "plug_engine",
    "run_simulation",
    "web_call",
    "wilson_interval",
]
