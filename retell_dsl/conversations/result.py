"""One immutable result per conversation, normalised from Retell's own shapes.

A chat's ``message_with_tool_calls`` and a call's ``transcript_with_tool_calls`` are lists of
the same messages (``agent`` / ``user`` lines, ``tool_call_invocation`` / ``tool_call_result``,
``node_transition``, ``state_transition``, ...). :func:`events_of` turns them into
:class:`Event` s (a tool call carries its parsed arguments and its result; every event knows the
node and state it happened in); :class:`CallResult` adds what the chat or call object says.

>>> events = events_of([
...     {"role": "node_transition", "former_node_name": "begin", "new_node_name": "greet"},
...     {"role": "agent", "content": "Hi!"},
...     {"role": "tool_call_invocation", "tool_call_id": "t1", "name": "lookup", "arguments": '{"id": 7}'},
...     {"role": "tool_call_result", "tool_call_id": "t1", "content": '{"ok": true}', "successful": True},
... ])
>>> [(e.kind, e.node) for e in events]
[('transition', 'greet'), ('message', 'greet'), ('tool_call', 'greet')]
>>> events[2].args, events[2].result
({'id': 7}, '{"ok": true}')
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from retell_dsl.conversations.expect import Expect

__all__ = ["CallResult", "Event", "EventKind", "events_of", "wire_dicts"]

EventKind = Literal["message", "tool_call", "transition", "state_transition", "other"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """One thing that happened: a message, a tool call (with its result), a node or state transition.

    ``node`` / ``state`` are where the conversation was when it happened (after a transition: the
    new node / state).
    """

    index: int
    kind: EventKind
    role: str
    text: str = ""
    name: str = ""
    #: A tool call's Retell tool type (``custom``, ``transfer_call``, ``end_call``, ...), when given.
    tool_type: str | None = None
    args: Mapping[str, Any] = field(default_factory=dict)
    result: str | None = None
    successful: bool | None = None
    source: str | None = None
    node: str | None = None
    state: str | None = None

    def describe(self) -> str:
        """One line for a transcript.

        >>> call = Event(index=0, kind="tool_call", role="tool_call_invocation", name="t", args={"a": 1}, result="ok")
        >>> call.describe()
        'tool t({"a": 1}) -> ok'
        """
        if self.kind == "message":
            return f"{self.role}: {self.text}"
        if self.kind == "tool_call":
            outcome = "(no result)" if self.result is None else self.result
            failed = "" if self.successful is not False else " [failed]"
            return f"tool {self.name}({json.dumps(dict(self.args), sort_keys=True)}) -> {outcome}{failed}"
        if self.kind in ("transition", "state_transition"):
            word = "node" if self.kind == "transition" else "state"
            return f"{word} {self.source or '?'} -> {self.name}"
        return f"{self.role}: {self.text}".rstrip(": ")


def wire_dicts(messages: Iterable[Any]) -> list[dict[str, Any]]:
    """Plain dicts of SDK message objects (or dicts), without unset fields."""
    out: list[dict[str, Any]] = []
    for m in messages:
        out.append(dict(m) if isinstance(m, Mapping) else m.model_dump(exclude_none=True))
    return out


def _parse_args(text: object) -> Mapping[str, Any]:
    if isinstance(text, Mapping):
        return dict(text)
    try:
        value = json.loads(str(text or "{}"))
    except json.JSONDecodeError:
        return {"_raw": text}
    return value if isinstance(value, dict) else {"_raw": value}


def events_of(
    messages: Iterable[Any], *, node: str | None = None, state: str | None = None, start: int = 0
) -> tuple[Event, ...]:
    """Normalise Retell messages into events (``node`` / ``state``: where the first one happens)."""
    events: list[Event] = []
    calls: dict[str, int] = {}
    for raw in wire_dicts(messages):
        role = str(raw.get("role", ""))
        at = start + len(events)
        if role == "node_transition":
            name = raw.get("new_node_name") or raw.get("new_node_id") or ""
            source = raw.get("former_node_name") or raw.get("former_node_id")
            node = name
            events.append(
                Event(index=at, kind="transition", role=role, name=name, source=source, node=node, state=state)
            )
        elif role == "state_transition":
            name = raw.get("new_state_name") or ""
            source, state = raw.get("former_state_name"), name
            events.append(
                Event(index=at, kind="state_transition", role=role, name=name, source=source, node=node, state=state)
            )
        elif role == "tool_call_invocation":
            calls[str(raw.get("tool_call_id"))] = len(events)
            events.append(
                Event(index=at, kind="tool_call", role=role, name=str(raw.get("name", "")), tool_type=raw.get("type"),
                      args=_parse_args(raw.get("arguments")), node=node, state=state)
            )  # fmt: skip
        elif role == "tool_call_result" and str(raw.get("tool_call_id")) in calls:
            i = calls.pop(str(raw.get("tool_call_id")))
            events[i] = dataclasses.replace(
                events[i], result=str(raw.get("content", "")), successful=raw.get("successful")
            )
        elif role in ("agent", "user"):
            events.append(
                Event(index=at, kind="message", role=role, text=str(raw.get("content", "")), node=node, state=state)
            )
        else:
            text = str(raw.get("content", ""))
            events.append(Event(index=at, kind="other", role=role, text=text, node=node, state=state))
    return tuple(events)


@dataclass(frozen=True, slots=True, kw_only=True)
class CallResult:
    """What happened in one chat or call (immutable). Assert on it with :attr:`expect`.

    ``end_reason``: a call's ``disconnection_reason``; for a chat (which has none on Retell),
    ``"agent_hangup"`` when the agent ended it (an end node or tool), ``"user_hangup"`` when the
    test ended it, ``None`` while it is ongoing.
    """

    id: str
    kind: Literal["chat", "call", "playground"]
    agent_id: str | None
    status: str | None
    events: tuple[Event, ...]
    end_reason: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    analysis: Mapping[str, Any] | None = None
    latency: Mapping[str, Any] | None = None
    cost: float | None = None
    transcript: str = ""

    @classmethod
    def from_chat(cls, chat: Any, *, ended_by_user: bool = False) -> CallResult:
        """From a ``retell`` chat object (``chat.retrieve``)."""
        data = chat if isinstance(chat, Mapping) else chat.model_dump(exclude_none=True)
        status = data.get("chat_status")
        end = None if status != "ended" else ("user_hangup" if ended_by_user else "agent_hangup")
        cost = (data.get("chat_cost") or {}).get("combined_cost")
        return cls(
            id=str(data["chat_id"]), kind="chat", agent_id=data.get("agent_id"), status=status,
            events=events_of(data.get("message_with_tool_calls") or []), end_reason=end,
            variables=dict(data.get("collected_dynamic_variables") or {}), analysis=data.get("chat_analysis"),
            cost=cost, transcript=str(data.get("transcript") or ""),
        )  # fmt: skip

    @classmethod
    def from_call(cls, call: Any, *, events: Iterable[Any] | None = None) -> CallResult:
        """From a ``retell`` call object (``call.retrieve``).

        ``events`` replaces its ``transcript_with_tool_calls``: on the emulator, the call's
        events with a Retell LLM's state transitions in place (``Emulator.call_events``),
        which Retell's call object does not report.
        """
        data = call if isinstance(call, Mapping) else call.model_dump(exclude_none=True)
        cost = (data.get("call_cost") or {}).get("combined_cost")
        items = events if events is not None else data.get("transcript_with_tool_calls") or []
        return cls(
            id=str(data["call_id"]), kind="call", agent_id=data.get("agent_id"), status=data.get("call_status"),
            events=events_of(items),
            end_reason=data.get("disconnection_reason"),
            variables=dict(data.get("collected_dynamic_variables") or {}), analysis=data.get("call_analysis"),
            latency=data.get("latency"), cost=cost, transcript=str(data.get("transcript") or ""),
        )  # fmt: skip

    @property
    def expect(self) -> Expect:
        """A fresh cursor at the first event (every read starts again)."""
        from retell_dsl.conversations.expect import Expect

        return Expect(self)

    @property
    def messages(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind == "message")

    @property
    def tool_calls(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if e.kind == "tool_call")

    @property
    def path(self) -> list[str]:
        """The nodes visited, in order (a node re-entered appears again)."""
        return [e.name for e in self.events if e.kind == "transition"]

    @property
    def state_path(self) -> list[str]:
        return [e.name for e in self.events if e.kind == "state_transition"]

    @property
    def transfers(self) -> tuple[Event, ...]:
        """The transfer attempts: tool calls of type ``transfer_call`` (transfer tools and nodes), or named so."""
        return tuple(e for e in self.tool_calls if e.tool_type == "transfer_call" or e.name == "transfer_call")

    def variable(self, name: str) -> Any:
        """A collected dynamic variable (``None`` if it was not collected)."""
        return self.variables.get(name)

    def render(self, marker: int | None = None) -> str:
        """The transcript, one event a line; ``marker`` (an event index) gets ``>>>``."""
        lines = []
        for e in self.events:
            where = f"  [node: {e.node}]" if e.node else ""
            where += f" [state: {e.state}]" if e.state else ""
            lines.append(f"{'>>>' if e.index == marker else '   '} {e.index:>2} {e.describe()}{where}")
        if marker is not None and marker >= len(self.events):
            lines.append(">>> (end of conversation)")
        return "\n".join(lines) or "    (no events)"
