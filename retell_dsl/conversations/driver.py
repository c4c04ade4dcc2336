"""Holding conversations through the official SDK client, so the same code runs on the emulator and on Retell.

:func:`chat` opens a chat on a chat agent (``send`` a turn, ``end`` for the :class:`CallResult`);
:func:`playground` steps stateless playground turns (resume at a node or state, with
``tool_mocks``); :func:`web_call` holds a web call with a simulated caller (the emulator only:
on Retell a caller joins over WebRTC, which needs a headless audio client).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from retell_dsl.conversations.result import CallResult, Event, events_of, wire_dicts
from retell_dsl.errors import ConfigurationError

if TYPE_CHECKING:
    from types import TracebackType

    from retell import Retell

__all__ = ["ChatConversation", "NotSupported", "Playground", "Turn", "chat", "playground", "web_call"]


class NotSupported(ConfigurationError):
    """The target cannot hold this kind of conversation (yet)."""


@dataclass(frozen=True, slots=True)
class Turn:
    """What the agent did after one user message (its events; ``ended``: the agent ended the chat)."""

    events: tuple[Event, ...]
    ended: bool = False

    @property
    def text(self) -> str:
        """The agent's messages of this turn, one a line."""
        return "\n".join(e.text for e in self.events if e.kind == "message" and e.role == "agent")


class ChatConversation:
    """A chat in progress (make one with :func:`chat`); a context manager that ends it on exit."""

    def __init__(self, client: Retell, chat_id: str, agent_id: str) -> None:
        self.client = client
        self.chat_id = chat_id
        self.agent_id = agent_id
        self._ended_by_user = False
        self._ended = False
        self._count = 0
        self._node: str | None = None

    def __repr__(self) -> str:
        return f"ChatConversation({self.chat_id!r}, agent {self.agent_id!r})"

    def send(self, text: str) -> Turn:
        """Say ``text``; the agent's turn that follows."""
        reply = self.client.chat.create_chat_completion(chat_id=self.chat_id, content=text)
        events = events_of(reply.messages, node=self._node, start=self._count)
        self._count += len(events) + 1  # the user's message is stored, not returned
        moves = [e.name for e in events if e.kind == "transition"]
        self._node = moves[-1] if moves else self._node
        status = self.client.chat.retrieve(self.chat_id).chat_status
        self._ended = status == "ended"
        return Turn(events, ended=self._ended)

    def result(self) -> CallResult:
        """The chat as Retell has it now (ongoing or ended)."""
        return CallResult.from_chat(self.client.chat.retrieve(self.chat_id), ended_by_user=self._ended_by_user)

    def end(self) -> CallResult:
        """End the chat if the agent has not, and return what happened."""
        current = self.client.chat.retrieve(self.chat_id)
        self._ended = True
        if current.chat_status != "ongoing":
            return CallResult.from_chat(current, ended_by_user=self._ended_by_user)
        self.client.chat.end(self.chat_id)
        self._ended_by_user = True
        return self.result()

    def close(self) -> None:
        """End the chat unless it is known to have ended already (then no request is made)."""
        if not self._ended:
            self.end()

    def __enter__(self) -> ChatConversation:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.end()


def chat(
    client: Retell,
    agent_id: str,
    *,
    dynamic_variables: Mapping[str, str] | None = None,
    version: int | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> ChatConversation:
    """Open a chat on the chat agent ``agent_id`` (``version``: a pinned agent version)."""
    options: dict[str, Any] = {"retell_llm_dynamic_variables": dict(dynamic_variables or {})}
    if version is not None:
        options["agent_version"] = version
    if metadata is not None:
        options["metadata"] = dict(metadata)
    created = client.chat.create(agent_id=agent_id, **options)
    return ChatConversation(client, created.chat_id, agent_id)


@dataclass
class Playground:
    """Stateless playground turns, stepped one by one: the history, node and state are carried here."""

    client: Retell
    agent_id: str
    dynamic_variables: dict[str, str] = field(default_factory=dict)
    node: str | None = None
    state: str | None = None
    tool_mocks: Sequence[Mapping[str, Any]] = ()
    version: int | None = None
    history: list[dict[str, Any]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    ended: bool = False

    def send(self, text: str | None = None) -> Turn:
        """One turn: ``text`` from the user (``None``: let the agent speak first)."""
        if self.ended:
            raise ConfigurationError(f"the playground conversation on {self.agent_id} has ended")
        if text is not None:
            self.history.append({"role": "user", "content": text})
            self.events.extend(events_of([{"role": "user", "content": text}], node=self.node, state=self.state,
                                         start=len(self.events)))  # fmt: skip
        options: dict[str, Any] = {"messages": list(self.history), "dynamic_variables": dict(self.dynamic_variables)}
        for key, value in (("current_node_id", self.node), ("current_state", self.state), ("version", self.version)):
            if value is not None:
                options[key] = value
        if self.tool_mocks:
            options["tool_mocks"] = [dict(m) for m in self.tool_mocks]
        out = self.client.playground.completion(self.agent_id, **options)
        messages = wire_dicts(out.messages)
        events = events_of(messages, node=self.node, state=self.state, start=len(self.events))
        self.events.extend(events)
        self.history.extend(m for m in messages if m.get("role") in ("agent", "user"))
        self.node, self.state = out.current_node_id or self.node, out.current_state or self.state
        self.dynamic_variables.update(out.dynamic_variables or {})
        self.ended = bool(out.call_ended)
        return Turn(events, ended=self.ended)

    def result(self) -> CallResult:
        """Everything stepped so far as one result (the id is the agent's: playground turns have none)."""
        return CallResult(
            id=self.agent_id, kind="playground", agent_id=self.agent_id, status="ended" if self.ended else "ongoing",
            events=tuple(self.events), end_reason="agent_hangup" if self.ended else None,
            variables=dict(self.dynamic_variables),
        )  # fmt: skip


def playground(
    client: Retell,
    agent_id: str,
    *,
    start_at_node: str | None = None,
    state: str | None = None,
    dynamic_variables: Mapping[str, str] | None = None,
    tool_mocks: Sequence[Mapping[str, Any]] = (),
    version: int | None = None,
    history: Sequence[Mapping[str, Any]] = (),
) -> Playground:
    """A playground session on ``agent_id`` (resumed at node ``start_at_node`` or LLM ``state``)."""
    return Playground(
        client, agent_id, dict(dynamic_variables or {}), start_at_node, state, tuple(tool_mocks), version,
        [dict(m) for m in history],
    )  # fmt: skip


class _Emulated(Protocol):
    def client(self, **kwargs: Any) -> Retell: ...

    def join_web_call(
        self, call_id: str, *, caller: Mapping[str, Any] | None = ..., wait: bool = ..., timeout_s: float = ...
    ) -> Any: ...

    def call_events(self, call_id: str) -> list[dict[str, Any]]: ...


def web_call(
    where: Any,
    agent_id: str,
    *,
    caller: Mapping[str, Any],
    dynamic_variables: Mapping[str, str] | None = None,
    version: int | None = None,
    timeout_s: float = 60.0,
) -> CallResult:
    """Hold a web call on ``agent_id`` with a simulated ``caller`` (the emulator's caller JSON) to its end.

    ``where`` is the :class:`~retell_dsl.emulator.Emulator` (or a
    :class:`~retell_dsl.target.Target`): on the emulator the caller joins through its
    ``join_web_call`` extension. A live target (or a bare SDK client) raises :class:`NotSupported`.
    """
    emulator: _Emulated | None = None
    if getattr(where, "kind", None) == "emulator":
        emulator = where.emulator
    elif callable(getattr(where, "join_web_call", None)):
        emulator = where
    if emulator is None:
        raise NotSupported(
            "a web call on live Retell needs a headless audio client (WebRTC), not supported yet: "
            "run web-call tests on the emulator (--retell-target emulator), or use a chat"
        )
    client = emulator.client()
    options: dict[str, Any] = {"retell_llm_dynamic_variables": dict(dynamic_variables or {})}
    if version is not None:
        options["agent_version"] = version
    call_id = client.call.create_web_call(agent_id=agent_id, **options).call_id
    emulator.join_web_call(call_id, caller=dict(caller), wait=True, timeout_s=timeout_s)
    return CallResult.from_call(client.call.retrieve(call_id), events=emulator.call_events(call_id))
