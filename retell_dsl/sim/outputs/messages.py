"""Chat messages (Retell's ``messages`` / ``message_with_tool_calls``) and a chat's ``transcript``.

Each event that Retell shows as a message becomes one, in log order:

==========================  =====================================================================
event                       message
==========================  =====================================================================
``Utterance`` agent/user    ``{role, content}``
``ToolInvoked``             ``{role: tool_call_invocation, tool_call_id, name, arguments, type}``
``ToolReturned``            ``{role: tool_call_result, tool_call_id, content, successful}``
``NodeTransition``          ``{role: node_transition, former_node_id/name, new_node_id/name,
                            transition_type}``
``StateTransition``         ``{role: state_transition, former_state_name, new_state_name}``
                            (``former_state_name`` left out for the starting state)
``SmsSent``                 ``{role: sms, content}``
==========================  =====================================================================

Everything else (DTMF, variables, model use, transfers and swaps, which show as their tool
calls, the end) is not a message. Every message also has ``message_id`` and
``created_timestamp`` (``start_timestamp`` + the event's ``at_ms``).

**Message ids** are deterministic: ``msg_<conversation_id>_<n>`` where ``n`` is the message's
0-based position among the conversation's messages. A later turn never changes an earlier
message's id, so the ids of :func:`messages_since` match those of the whole list.

>>> from retell_dsl.sim.events import ToolInvoked, Utterance
>>> log = [Utterance(at_ms=0, role="user", content="Hi"),
...        ToolInvoked(at_ms=50, tool_call_id="t1", name="lookup", type="custom", arguments='{"q": "x"}'),
...        Utterance(at_ms=900, role="agent", content="Hello!")]
>>> [m["message_id"] for m in chat_messages(log, conversation_id="chat_1", start_timestamp=1_000)]
['msg_chat_1_0', 'msg_chat_1_1', 'msg_chat_1_2']
>>> chat_transcript(log)
'User: Hi\\nAgent: Hello!\\n'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from retell_dsl.sim.events import (
    Event,
    NodeTransition,
    SmsSent,
    StateTransition,
    ToolInvoked,
    ToolReturned,
    Utterance,
)

__all__ = [
    "SPEAKER_LABELS",
    "chat_messages",
    "chat_transcript",
    "message_id",
    "messages_since",
    "tool_or_node_item",
    "transcript_lines",
]

#: How Retell labels a speaker in a plain-text ``transcript``.
SPEAKER_LABELS = {"agent": "Agent", "user": "User", "transfer_target": "Transfer target"}


def message_id(conversation_id: str, position: int) -> str:
    """The id of the ``position``-th message (0-based) of a conversation.

    >>> message_id("chat_9", 3)
    'msg_chat_9_3'
    """
    return f"msg_{conversation_id}_{position}"


def tool_or_node_item(event: Event) -> dict[str, Any] | None:
    """The item a tool call, its result or a node transition is, in chats and calls alike (else None).

    >>> tool_or_node_item(ToolReturned(at_ms=0, tool_call_id="t1", content="ok"))
    {'role': 'tool_call_result', 'tool_call_id': 't1', 'content': 'ok', 'successful': True}
    """
    if isinstance(event, ToolInvoked):
        return {
            "role": "tool_call_invocation",
            "tool_call_id": event.tool_call_id,
            "name": event.name,
            "arguments": event.arguments,
            "type": event.type,
        }
    if isinstance(event, ToolReturned):
        return {
            "role": "tool_call_result",
            "tool_call_id": event.tool_call_id,
            "content": event.content,
            "successful": event.successful,
        }
    if isinstance(event, NodeTransition):
        return {
            "role": "node_transition",
            "former_node_id": event.former_node_id,
            "former_node_name": event.former_node_name,
            "new_node_id": event.new_node_id,
            "new_node_name": event.new_node_name,
            "transition_type": event.transition_type,
        }
    return None


def _body(event: Event) -> dict[str, Any] | None:
    if isinstance(event, Utterance):
        if event.role not in ("agent", "user"):
            return None
        return {"role": event.role, "content": event.content}
    if isinstance(event, ToolInvoked | ToolReturned | NodeTransition):
        return tool_or_node_item(event)
    if isinstance(event, StateTransition):
        body: dict[str, Any] = {"role": "state_transition"}
        if event.former_state is not None:
            body["former_state_name"] = event.former_state
        body["new_state_name"] = event.new_state
        return body
    if isinstance(event, SmsSent):
        return {"role": "sms", "content": event.content}
    return None


def _numbered(events: Iterable[Event], conversation_id: str, start_timestamp: int) -> list[tuple[int, dict[str, Any]]]:
    out: list[tuple[int, dict[str, Any]]] = []
    for index, event in enumerate(events):
        body = _body(event)
        if body is None:
            continue
        message = {
            "message_id": message_id(conversation_id, len(out)),
            **body,
            "created_timestamp": start_timestamp + event.at_ms,
        }
        out.append((index, message))
    return out


def chat_messages(events: Iterable[Event], *, conversation_id: str, start_timestamp: int) -> list[dict[str, Any]]:
    """Every message of the conversation, in order (a chat's ``message_with_tool_calls``).

    >>> from retell_dsl.sim.events import StateTransition
    >>> chat_messages([StateTransition(at_ms=5, former_state=None, new_state="intro")],
    ...               conversation_id="c", start_timestamp=100)
    [{'message_id': 'msg_c_0', 'role': 'state_transition', 'new_state_name': 'intro', 'created_timestamp': 105}]
    """
    return [m for _, m in _numbered(events, conversation_id, start_timestamp)]


def messages_since(
    events: Sequence[Event], start: int, *, conversation_id: str, start_timestamp: int
) -> list[dict[str, Any]]:
    """The messages of the events from position ``start`` on (what one chat completion returns).

    >>> from retell_dsl.sim.events import Utterance
    >>> log = [Utterance(at_ms=0, role="user", content="Hi"), Utterance(at_ms=10, role="agent", content="Yo")]
    >>> [(m["message_id"], m["content"]) for m in messages_since(log, 1, conversation_id="c", start_timestamp=0)]
    [('msg_c_1', 'Yo')]
    """
    return [m for index, m in _numbered(events, conversation_id, start_timestamp) if index >= start]


def transcript_lines(events: Iterable[Event], *, roles: tuple[str, ...] = ("agent", "user")) -> str:
    """Retell's plain-text transcript: one ``<Speaker>: <content>`` line per utterance, each ending in ``\\n``.

    Retell's own example (get-call) reads ``"Agent: hi how are you doing?\\nUser: Doing pretty
    well. How are you?\\n…"``. Empty utterances are skipped.
    """
    lines = [
        f"{SPEAKER_LABELS[e.role]}: {e.content}\n"
        for e in events
        if isinstance(e, Utterance) and e.role in roles and e.content.strip()
    ]
    return "".join(lines)


def chat_transcript(events: Iterable[Event]) -> str:
    """A chat's ``transcript`` (agent and user lines, as a call's).

    >>> chat_transcript([])
    ''
    """
    return transcript_lines(events, roles=("agent", "user"))
