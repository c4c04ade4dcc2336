"""The model's chat history, derived from the event log (never kept separately).

Utterances become ``user`` / ``assistant`` messages, a :class:`ToolInvoked` an assistant tool
call and its :class:`ToolReturned` the ``tool`` message, a key the user pressed a user message
``[pressed 1]`` (this engine's choice: Retell does not document how it shows DTMF to its model).
Everything else (transitions, variables, model usage, keys the agent pressed) is not part of the chat.

>>> from retell_dsl.sim.events import EventLog, Utterance
>>> log = EventLog([Utterance(at_ms=0, role="agent", content="Hi!"), Utterance(at_ms=1, role="user", content="Yo")])
>>> [(m.role, m.content) for m in history(log)]
[('assistant', 'Hi!'), ('user', 'Yo')]
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from retell_dsl.sim.events import Dtmf, Event, ToolInvoked, ToolReturned, Utterance
from retell_dsl.sim.models import Message, ToolCall

__all__ = ["history"]


def _parsed(raw: str) -> dict[str, object]:
    try:
        value = json.loads(raw)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def history(events: Iterable[Event]) -> tuple[Message, ...]:
    """The OpenAI-shaped messages of the conversation so far."""
    out: list[Message] = []
    for event in events:
        if isinstance(event, Utterance):
            if event.role == "user":
                out.append(Message.user(event.content))
            else:
                out.append(Message.assistant(event.content))
        elif isinstance(event, ToolInvoked):
            call = ToolCall(
                id=event.tool_call_id,
                name=event.name,
                arguments=_parsed(event.arguments),
                raw_arguments=event.arguments,
            )
            out.append(Message.assistant(tool_calls=(call,)))
        elif isinstance(event, Dtmf) and event.by == "user":
            out.append(Message.user(f"[pressed {event.digit}]"))
        elif isinstance(event, ToolReturned):
            out.append(Message.tool_result(event.tool_call_id, event.content))
    return tuple(out)
