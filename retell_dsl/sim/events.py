"""The engine's event log: one immutable stream per conversation, the single source of every output.

The interpreter only ever *appends* events; every shape Retell reports (chat messages, a call's
``transcript``, ``transcript_object``, ``transcript_with_tool_calls``, ``disconnection_reason``,
latency, token usage, cost, ``collected_dynamic_variables``) is derived from the log afterwards
(see :mod:`retell_dsl.sim.outputs`). Times are milliseconds of conversation time since the start
(``at_ms``), taken from the engine's clock, so a log is reproducible.

>>> log = EventLog()
>>> log.append(Utterance(at_ms=0, role="agent", content="Hello!", node_id="greet"))
>>> log.append(Utterance(at_ms=1200, role="user", content="Hi, I need a table."))
>>> log.append(NodeTransition(at_ms=1300, former_node_id="greet", former_node_name="Greet",
...                           new_node_id="book", new_node_name="Book"))
>>> [type(e).__name__ for e in log], log.last(Utterance).content
(['Utterance', 'Utterance', 'NodeTransition'], 'Hi, I need a table.')
>>> log.ended is None
True
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal, TypeVar, overload

__all__ = [
    "AgentSwapped",
    "Dtmf",
    "Ended",
    "EngineFailed",
    "Event",
    "EventLog",
    "KnowledgeRetrieved",
    "ModelUsed",
    "NodeTransition",
    "SmsSent",
    "Speaker",
    "StateTransition",
    "ToolInvoked",
    "ToolReturned",
    "TransferAttempted",
    "TransitionType",
    "Utterance",
    "VariablesSet",
]

Speaker = Literal["agent", "user", "transfer_target"]
TransitionType = Literal["normal", "global", "global_go_back", "interrupt_go_back"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Something that happened, ``at_ms`` milliseconds after the conversation started."""

    at_ms: int


@dataclass(frozen=True, slots=True, kw_only=True)
class Utterance(Event):
    """Words spoken (or typed, in a chat) by ``role``; ``node_id`` / ``state`` say where the agent was."""

    role: Speaker
    content: str
    node_id: str | None = None
    state: str | None = None
    duration_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolInvoked(Event):
    """A tool call: Retell's ``tool_call_invocation`` (``arguments`` is the JSON *string*).

    ``name`` is the tool's name, or the node's name for a built-in flow node; ``type`` is
    Retell's (``custom``, ``code``, ``end_call``, ``transfer_call``, ``agent_swap``,
    ``press_digit``, ``send_sms``, ``extract_dynamic_variable``, ``mcp``…).
    """

    tool_call_id: str
    name: str
    type: str
    arguments: str = "{}"
    node_id: str | None = None
    state: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ToolReturned(Event):
    """The result of a :class:`ToolInvoked`; ``source`` says how it ran (mock, handler, http…)."""

    tool_call_id: str
    content: str
    successful: bool = True
    source: str = "none"
    error: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class NodeTransition(Event):
    """A conversation-flow node change (ids and names, as Retell's ``node_transition`` item)."""

    former_node_id: str
    former_node_name: str
    new_node_id: str
    new_node_name: str
    transition_type: TransitionType = "normal"
    component_id: str | None = None
    edge_id: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StateTransition(Event):
    """A Retell LLM state change (``former_state`` is ``None`` for the starting state)."""

    former_state: str | None
    new_state: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Dtmf(Event):
    """A key press: by the user (a caller's digits) or by the agent (press-digit node or tool)."""

    digit: str
    by: Literal["user", "agent"] = "user"


@dataclass(frozen=True, slots=True, kw_only=True)
class SmsSent(Event):
    """A text message: sent by the agent (SMS node or tool; ``successful`` false when sending failed)
    or, ``by="user"``, received from the user during the call (Retell's ``sms`` transcript item)."""

    content: str
    to_number: str | None = None
    successful: bool = True
    by: Literal["agent", "user"] = "agent"


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferAttempted(Event):
    """A call transfer: destination, option (``cold_transfer``/``warm_transfer``/``agentic_warm_transfer``)."""

    destination: str
    option: str = "cold_transfer"
    successful: bool = True
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentSwapped(Event):
    """The conversation continued in another agent (``successful`` false: the failure edge was taken)."""

    agent_id: str
    agent_version: int | None = None
    successful: bool = True


@dataclass(frozen=True, slots=True, kw_only=True)
class VariablesSet(Event):
    """Dynamic variables set by an extract node/tool, a tool's response variables or a transition."""

    values: Mapping[str, str] = field(default_factory=dict)
    source: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class KnowledgeRetrieved(Event):
    """Knowledge-base chunks given to the model for one reply; ``latency_ms``: the retrieval, on the engine clock."""

    query: str
    contents: tuple[str, ...] = ()
    latency_ms: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelUsed(Event):
    """One model call: why, how long it took, and its token usage (for latency and ``llm_token_usage``)."""

    purpose: str
    model: str = ""
    latency_ms: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class EngineFailed(Event):
    """The engine could not go on (a model error, a dangling node, a loop): ``reason`` is Retell's."""

    message: str
    reason: str = "error_llm_websocket_runtime"
    node_id: str | None = None
    state: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Ended(Event):
    """The conversation ended; ``reason`` is Retell's ``disconnection_reason`` (chats: why it ended)."""

    reason: str


E = TypeVar("E", bound=Event)


class EventLog:
    """An append-only list of events. Reading never changes it; derived shapes are computed from it."""

    __slots__ = ("_events",)

    def __init__(self, events: tuple[Event, ...] | list[Event] = ()) -> None:
        self._events: list[Event] = list(events)

    def append(self, event: Event) -> None:
        """Add ``event``; nothing may follow :class:`Ended`."""
        if self._events and isinstance(self._events[-1], Ended):
            raise ValueError(f"the conversation has ended; cannot append {type(event).__name__}")
        self._events.append(event)

    def __iter__(self) -> Iterator[Event]:
        return iter(tuple(self._events))

    def __len__(self) -> int:
        return len(self._events)

    @overload
    def __getitem__(self, index: int) -> Event: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Event, ...]: ...
    def __getitem__(self, index: int | slice) -> Event | tuple[Event, ...]:
        if isinstance(index, slice):
            return tuple(self._events[index])
        return self._events[index]

    def since(self, start: int) -> tuple[Event, ...]:
        """The events from position ``start`` on (what one turn produced)."""
        return tuple(self._events[start:])

    def of(self, kind: type[E]) -> tuple[E, ...]:
        """Every event of one type, in order."""
        return tuple(e for e in self._events if isinstance(e, kind))

    def last(self, kind: type[E]) -> E | None:
        """The most recent event of one type, or ``None``."""
        for event in reversed(self._events):
            if isinstance(event, kind):
                return event
        return None

    @property
    def ended(self) -> Ended | None:
        """The :class:`Ended` event once the conversation is over."""
        last = self._events[-1] if self._events else None
        return last if isinstance(last, Ended) else None

    def snapshot(self) -> tuple[Event, ...]:
        """An immutable copy of the whole log."""
        return tuple(self._events)
