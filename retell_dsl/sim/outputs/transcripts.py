"""A call's ``transcript``, ``transcript_object`` and ``transcript_with_tool_calls``.

* ``transcript``: one ``Agent: …`` / ``User: …`` line per utterance (a transfer target's as
  ``Transfer target: …``), each ending in ``\\n`` (see :func:`~retell_dsl.sim.outputs.messages.transcript_lines`).
* ``transcript_object``: the utterances, ``{role, content, words}``, with word timings from
  :mod:`~retell_dsl.sim.outputs.speech` (user words too).
* ``transcript_with_tool_calls``: the utterances woven with ``tool_call_invocation``,
  ``tool_call_result``, ``node_transition`` (ids and names), ``dtmf`` (``{role, digit}``: the
  user's key presses; the agent's show as its ``press_digit`` tool call) and ``sms``
  (``{role, content, time_sec}``: a text received from the user, the SDK's meaning; the agent's
  texts show as their ``send_sms`` tool call). There is no state-transition item in a call (Retell has none).

>>> from retell_dsl.sim.events import Dtmf, Utterance
>>> log = [Utterance(at_ms=0, role="agent", content="Press one."), Dtmf(at_ms=900, digit="1")]
>>> transcript(log)
'Agent: Press one.\\n'
>>> [item["role"] for item in transcript_with_tool_calls(log)]
['agent', 'dtmf']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from retell_dsl.sim.events import Dtmf, Event, NodeTransition, SmsSent, ToolInvoked, ToolReturned, Utterance
from retell_dsl.sim.outputs.messages import tool_or_node_item, transcript_lines
from retell_dsl.sim.outputs.speech import DEFAULT_RATE, SpeakingRate, words

__all__ = ["transcript", "transcript_object", "transcript_with_tool_calls", "utterance_item"]


def transcript(events: Iterable[Event]) -> str:
    """The call's plain-text ``transcript``.

    >>> from retell_dsl.sim.events import Utterance
    >>> transcript([Utterance(at_ms=0, role="agent", content="Hi"), Utterance(at_ms=5, role="user", content="Yo")])
    'Agent: Hi\\nUser: Yo\\n'
    """
    return transcript_lines(events, roles=("agent", "user", "transfer_target"))


def utterance_item(event: Utterance, rate: SpeakingRate = DEFAULT_RATE) -> dict[str, Any]:
    """One ``transcript_object`` item.

    >>> from retell_dsl.sim.events import Utterance
    >>> utterance_item(Utterance(at_ms=1000, role="user", content="Yes."))
    {'role': 'user', 'content': 'Yes.', 'words': [{'word': 'Yes.', 'start': 1.0, 'end': 1.4}]}
    """
    return {
        "role": event.role,
        "content": event.content,
        "words": words(event.content, start_ms=event.at_ms, duration_ms=event.duration_ms, rate=rate),
    }


def transcript_object(events: Iterable[Event], rate: SpeakingRate = DEFAULT_RATE) -> list[dict[str, Any]]:
    """The call's utterances with word timings.

    >>> transcript_object([])
    []
    """
    return [utterance_item(e, rate) for e in events if isinstance(e, Utterance) and e.content.strip()]


def _item(event: Event, rate: SpeakingRate) -> dict[str, Any] | None:
    if isinstance(event, Utterance):
        return utterance_item(event, rate) if event.content.strip() else None
    if isinstance(event, ToolInvoked | ToolReturned | NodeTransition):
        return tool_or_node_item(event)
    if isinstance(event, Dtmf):
        return {"role": "dtmf", "digit": event.digit} if event.by == "user" else None
    if isinstance(event, SmsSent):  # Retell's ``sms`` item is a message received from the user; the
        # agent's own texts show as their ``send_sms`` tool call
        return {"role": "sms", "content": event.content, "time_sec": event.at_ms / 1000} if event.by == "user" else None
    return None


def transcript_with_tool_calls(events: Iterable[Event], rate: SpeakingRate = DEFAULT_RATE) -> list[dict[str, Any]]:
    """The call's utterances woven with its tool calls, node transitions, DTMF and SMS, in log order.

    >>> from retell_dsl.sim.events import StateTransition
    >>> transcript_with_tool_calls([StateTransition(at_ms=0, former_state=None, new_state="intro")])
    []
    """
    return [item for item in (_item(e, rate) for e in events) if item is not None]
