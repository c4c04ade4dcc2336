"""Every derived field of a call or chat object at once, with Retell's wire names.

The emulator merges these into the call (``call_status``, ``transcript``,
``transcript_object``, ``transcript_with_tool_calls``, ``disconnection_reason``, timestamps,
``latency``, ``llm_token_usage``, ``call_cost``, ``collected_dynamic_variables``,
``transfer_destination``) or chat object (``chat_status``, ``transcript``,
``message_with_tool_calls``, timestamps, ``chat_cost``, ``collected_dynamic_variables``). A field
that does not apply yet is left out, never ``None``: ``collected_dynamic_variables`` and the end
fields only once the conversation ended, ``llm_token_usage`` only when a model was called.
Analysis is separate (:mod:`retell_dsl.sim.analysis`): it needs a model.

>>> from retell_dsl.sim.events import Ended, Utterance
>>> log = [Utterance(at_ms=0, role="agent", content="Hi"), Ended(at_ms=1000, reason="agent_hangup")]
>>> sorted(call_fields(log, start_timestamp=0, llm_model="gpt-4.1"))  # doctest: +NORMALIZE_WHITESPACE
['call_cost', 'call_status', 'collected_dynamic_variables', 'disconnection_reason', 'duration_ms',
 'end_timestamp', 'latency', 'start_timestamp', 'transcript', 'transcript_object', 'transcript_with_tool_calls']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

from retell_dsl.sim.events import Event
from retell_dsl.sim.outputs.cost import call_cost, chat_cost
from retell_dsl.sim.outputs.messages import chat_messages, chat_transcript
from retell_dsl.sim.outputs.metrics import latency, llm_token_usage
from retell_dsl.sim.outputs.pricing import DEFAULT_PRICES, PriceTable
from retell_dsl.sim.outputs.session import (
    call_status,
    chat_status,
    collected_dynamic_variables,
    disconnection_reason,
    timestamps,
    transfer_destination,
)
from retell_dsl.sim.outputs.speech import DEFAULT_RATE, SpeakingRate
from retell_dsl.sim.outputs.transcripts import transcript, transcript_object, transcript_with_tool_calls

__all__ = ["call_fields", "chat_fields"]


def call_fields(
    events: Iterable[Event],
    *,
    start_timestamp: int,
    llm_model: str | None,
    call_type: Literal["web_call", "phone_call"] = "web_call",
    starting_variables: Mapping[str, Any] | None = None,
    dynamic_opening: bool = False,
    knowledge_base_ms: Sequence[float] = (),
    prices: PriceTable = DEFAULT_PRICES,
    rate: SpeakingRate = DEFAULT_RATE,
) -> dict[str, Any]:
    """The call object's fields derived from ``events``."""
    log = tuple(events)
    out: dict[str, Any] = {
        "call_status": call_status(log),
        **timestamps(log, start_timestamp=start_timestamp),
        "transcript": transcript(log),
        "transcript_object": transcript_object(log, rate),
        "transcript_with_tool_calls": transcript_with_tool_calls(log, rate),
        "latency": latency(log, knowledge_base_ms=knowledge_base_ms, rate=rate),
    }
    reason = disconnection_reason(log)
    if reason is not None:
        out["disconnection_reason"] = reason
        out["collected_dynamic_variables"] = collected_dynamic_variables(log, starting_variables)
    usage = llm_token_usage(log)
    if usage is not None:
        out["llm_token_usage"] = usage
    cost = call_cost(log, llm_model=llm_model, call_type=call_type, dynamic_opening=dynamic_opening, prices=prices)
    if cost is not None:
        out["call_cost"] = cost
    destination = transfer_destination(log)
    if destination is not None:
        out["transfer_destination"] = destination
    return out


def chat_fields(
    events: Iterable[Event],
    *,
    chat_id: str,
    start_timestamp: int,
    llm_model: str | None,
    starting_variables: Mapping[str, Any] | None = None,
    prices: PriceTable = DEFAULT_PRICES,
) -> dict[str, Any]:
    """The chat object's fields derived from ``events``.

    >>> from retell_dsl.sim.events import Utterance
    >>> chat_fields([Utterance(at_ms=0, role="user", content="Hi")], chat_id="c1", start_timestamp=0,
    ...             llm_model=None)["chat_status"]
    'ongoing'
    """
    log = tuple(events)
    out: dict[str, Any] = {
        "chat_status": chat_status(log),
        **{k: v for k, v in timestamps(log, start_timestamp=start_timestamp).items() if k != "duration_ms"},
        "transcript": chat_transcript(log),
        "message_with_tool_calls": chat_messages(log, conversation_id=chat_id, start_timestamp=start_timestamp),
        "chat_cost": chat_cost(log, llm_model=llm_model, prices=prices),
    }
    if disconnection_reason(log) is not None:
        out["collected_dynamic_variables"] = collected_dynamic_variables(log, starting_variables)
    return out
