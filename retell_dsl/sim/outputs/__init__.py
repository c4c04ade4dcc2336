"""Retell's output shapes, derived from a conversation's event log by pure functions.

Every function takes a sequence of :mod:`retell_dsl.sim.events` events (an ``EventLog`` or a
hand-made list) and returns plain dicts and lists with Retell's wire field names, so the
emulator can serve them and tests can validate them with the SDK's response models.

Modules: ``messages`` (chat messages, message ids, the plain-text transcript), ``transcripts``
(a call's transcript, ``transcript_object``, ``transcript_with_tool_calls``), ``speech`` (the
speaking-rate model behind word timings), ``session`` (status, ``disconnection_reason``,
timestamps, collected variables), ``metrics`` (``latency``, ``llm_token_usage``), ``pricing``
(the documented price table, estimates) and ``cost`` (``call_cost``, ``chat_cost``), ``shapes``
(all of a call's or chat's fields at once).

>>> from retell_dsl.sim.events import Ended, Utterance
>>> log = [Utterance(at_ms=0, role="agent", content="Hello!"), Utterance(at_ms=1500, role="user", content="Hi."),
...        Ended(at_ms=3000, reason="user_hangup")]
>>> transcript(log), disconnection_reason(log)
('Agent: Hello!\\nUser: Hi.\\n', 'user_hangup')
"""

from __future__ import annotations

from retell_dsl.sim.outputs.cost import call_cost, chat_cost
from retell_dsl.sim.outputs.messages import (
    SPEAKER_LABELS,
    chat_messages,
    chat_transcript,
    message_id,
    messages_since,
    transcript_lines,
)
from retell_dsl.sim.outputs.metrics import (
    AGENT_PURPOSES,
    e2e_latencies,
    latency,
    latency_stats,
    llm_token_usage,
    percentile,
)
from retell_dsl.sim.outputs.pricing import CHAT_CENTS_PER_MESSAGE, DEFAULT_PRICES, LLM_CENTS_PER_MINUTE, PriceTable
from retell_dsl.sim.outputs.session import (
    NOT_CONNECTED_REASONS,
    call_status,
    chat_status,
    collected_dynamic_variables,
    disconnection_reason,
    end_ms,
    is_connected,
    timestamps,
    transfer_destination,
)
from retell_dsl.sim.outputs.shapes import call_fields, chat_fields
from retell_dsl.sim.outputs.speech import DEFAULT_RATE, SpeakingRate, speech_duration_ms, word_spans, words
from retell_dsl.sim.outputs.transcripts import transcript, transcript_object, transcript_with_tool_calls, utterance_item

__all__ = [
    "AGENT_PURPOSES",
    "CHAT_CENTS_PER_MESSAGE",
    "DEFAULT_PRICES",
    "DEFAULT_RATE",
    "LLM_CENTS_PER_MINUTE",
    "NOT_CONNECTED_REASONS",
    "SPEAKER_LABELS",
    "PriceTable",
    "SpeakingRate",
    "call_cost",
    "call_fields",
    "call_status",
    "chat_cost",
    "chat_fields",
    "chat_messages",
    "chat_status",
    "chat_transcript",
    "collected_dynamic_variables",
    "disconnection_reason",
    "e2e_latencies",
    "end_ms",
    "is_connected",
    "latency",
    "latency_stats",
    "llm_token_usage",
    "message_id",
    "messages_since",
    "percentile",
    "speech_duration_ms",
    "timestamps",
    "transcript",
    "transcript_lines",
    "transcript_object",
    "transcript_with_tool_calls",
    "transfer_destination",
    "utterance_item",
    "word_spans",
    "words",
]
