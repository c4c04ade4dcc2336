"""Chat completions and playground turns on the local engine.

**Chats** are stateful on Retell's side; the emulator hands over the whole history each time.
A live :class:`~retell_dsl.sim.runtime.Session` is kept per chat (by the snapshot's
``conversation_id``) while the history it saw is the stored one; otherwise (the emulator
restarted, the engine was swapped, the live sessions were evicted) a new session resumes at the
last node or state of the history with the variables the history extracted, the earlier turns as
the model's context (:mod:`retell_dsl.simulator.sessions`). The first completion of a chat whose
agent speaks first answers with the greeting, then the user's message, then the reply: the
user's message is returned in its place, and the emulator stores it there.

**Playground** turns are stateless: a new session at ``current_node_id`` / ``component_id`` /
``current_state`` (or where the history left off), the history as context, the last user
message fed, and the response's node, state, variables and retrieved knowledge read from it.

Message ids and timestamps are the emulator's: the messages returned carry neither.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from retell_dsl.emulator.engine_port import AgentSnapshot, ChatTurn, WireMessage
from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.analysis import analyze_chat_events
from retell_dsl.sim.events import Event, KnowledgeRetrieved, Utterance
from retell_dsl.sim.models import Model
from retell_dsl.sim.outputs import chat_cost, chat_messages, collected_dynamic_variables
from retell_dsl.sim.runtime import CallFacts, Session, StartAt
from retell_dsl.sim.runtime.core import model_settings
from retell_dsl.simulator.sessions import SessionFactory, response_variables, resume_point, seed, wire_events

__all__ = ["ChatBook", "llm_model", "playground_turn", "wire_messages"]

#: A Retell LLM without states resumed with history: an empty state name makes it wait for the user
#: (its interpreter enters no state and does not speak the begin message again).
_LLM_WAITS = StartAt(state="", waiting=True)


def wire_messages(events: Sequence[Event], *, skip: Event | None = None) -> list[WireMessage]:
    """Retell messages of ``events`` without ids or timestamps (the emulator assigns them)."""
    kept = [e for e in events if e is not skip]
    out = []
    for message in chat_messages(kept, conversation_id="local", start_timestamp=0):
        message.pop("message_id", None)
        message.pop("created_timestamp", None)
        out.append(message)
    return out


def llm_model(snapshot: AgentSnapshot) -> str | None:
    """The model the agent's engine names (``model_config.primary.model``, else ``model_choice.model`` / ``model``)."""
    name, _ = model_settings(snapshot.engine or {})
    return name


def _facts(snapshot: AgentSnapshot, conversation_id: str | None) -> CallFacts:
    """A chat's facts; an SMS chat (``chat_type`` ``sms_chat``) also has its numbers and direction."""
    version = snapshot.agent.get("version")
    chat = snapshot.conversation
    numbers: dict[str, Any] = {}
    if chat.get("chat_type") == "sms_chat":
        numbers = {
            "from_number": chat.get("from_number"),
            "to_number": chat.get("to_number"),
            "direction": "inbound" if chat.get("direction") == "inbound" else "outbound",
        }
    return CallFacts(
        session_type="chat",
        call_id=conversation_id or "chat_local",
        agent_id=str(snapshot.agent.get("agent_id") or ""),
        agent_version=version if isinstance(version, int) else None,
        metadata=dict(chat.get("metadata") or {}),
        **numbers,
    )


def _resumed(
    factory: SessionFactory,
    snapshot: AgentSnapshot,
    prior: Sequence[Mapping[str, Any]],
    variables: Mapping[str, str],
    *,
    start_at: StartAt | None,
    tool_mocks: Sequence[Mapping[str, Any]] = (),
    conversation_id: str | None = None,
) -> Session:
    """A session standing where ``prior`` (or ``start_at``) left the conversation; call :func:`_opened` next."""
    extracted: dict[str, str] = {}
    if start_at is None and prior:
        start_at, extracted = resume_point(prior, response_variables(snapshot.engine))
        if start_at is None and snapshot.engine_type == "retell-llm":
            start_at = _LLM_WAITS
    session = factory.session(
        snapshot,
        variables={**extracted, **variables},
        facts=_facts(snapshot, conversation_id),
        tool_mocks=tool_mocks,
        start_at=start_at,
    )
    seed(session, wire_events(prior))
    return session


async def _opened(session: Session, resumed: bool) -> int:
    """Open a resumed session (its arrival at the resume point is bookkeeping, not a turn); the log mark."""
    if resumed:
        await session.start()
    return len(session.events)


def _user_text(messages: Sequence[Mapping[str, Any]]) -> str:
    if not messages or messages[-1].get("role") != "user" or not isinstance(messages[-1].get("content"), str):
        raise InvalidArgument("the last message must be the user's (role 'user' with text content)")
    return str(messages[-1]["content"])


@dataclass
class _Live:
    session: Session
    seen: int  # how many wire messages the chat holds after this session's last turn
    starting: dict[str, str]
    resumed: bool


class ChatBook:
    """Live chat sessions by chat id (at most ``capacity``; the least recently used go first)."""

    def __init__(self, factory: SessionFactory, analysis_model: Model, capacity: int = 256) -> None:
        self.factory = factory
        self.analysis_model = analysis_model
        self.capacity = capacity
        self._live: OrderedDict[str, _Live] = OrderedDict()
        #: Why a chat has no ``chat_analysis`` (by chat id), e.g. no model is configured.
        self.analysis_notes: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self._live)

    def _session(self, snapshot: AgentSnapshot, messages: Sequence[WireMessage], variables: Mapping[str, str]) -> _Live:
        key = snapshot.conversation_id
        live = self._live.get(key) if key else None
        if live is not None and live.seen == len(messages) - 1:
            self._live.move_to_end(str(key))
            return live
        prior = messages[:-1]
        session = _resumed(self.factory, snapshot, prior, variables, start_at=None, conversation_id=key)
        live = _Live(session, len(prior), session.variables, resumed=bool(prior))  # given + recovered
        if key:
            self._live[key] = live
            while len(self._live) > self.capacity:
                self._live.popitem(last=False)
        return live

    async def complete(
        self, snapshot: AgentSnapshot, messages: Sequence[WireMessage], variables: Mapping[str, str]
    ) -> ChatTurn:
        """One completion: the new messages (the user's in its place), the end, variables, analysis."""
        text = _user_text(messages)
        live = self._session(snapshot, messages, variables)
        session = live.session
        mark = await _opened(session, live.resumed)  # start() again is a no-op
        await session.user_says(text)
        new = session.events[mark:]
        produced = wire_messages(new)
        live.seen += len(produced)
        cost = chat_cost(session.events, llm_model=llm_model(snapshot))
        if session.ended is None:
            return ChatTurn(messages=produced, chat_cost=cost)
        self._live.pop(str(snapshot.conversation_id), None)
        collected = collected_dynamic_variables(session.events, live.starting)
        analysis = await self._analyze(snapshot, session.events)
        return ChatTurn(
            messages=produced, ended=True, collected_dynamic_variables=collected, chat_analysis=analysis, chat_cost=cost
        )

    async def open(self, snapshot: AgentSnapshot, variables: Mapping[str, str]) -> ChatTurn:
        """The agent opens a chat nobody wrote in yet (an outbound SMS chat): its greeting, if it speaks first."""
        key = snapshot.conversation_id
        session = _resumed(self.factory, snapshot, [], variables, start_at=None, conversation_id=key)
        produced = wire_messages(await session.start())
        cost = chat_cost(session.events, llm_model=llm_model(snapshot))
        if session.ended is not None:
            collected = collected_dynamic_variables(session.events, session.variables)
            analysis = await self._analyze(snapshot, session.events)
            return ChatTurn(produced, True, collected, chat_analysis=analysis, chat_cost=cost)
        if key:
            self._live[key] = _Live(session, len(produced), session.variables, resumed=False)
            while len(self._live) > self.capacity:
                self._live.popitem(last=False)
        return ChatTurn(messages=produced, chat_cost=cost)

    async def _analyze(self, snapshot: AgentSnapshot, events: Sequence[Event]) -> dict[str, Any] | None:
        result = await analyze_chat_events(events, snapshot.agent, self.analysis_model)
        key = str(snapshot.conversation_id)
        if result.analysis is None:
            if result.error:
                self.analysis_notes[key] = f"post-chat analysis failed: {result.error}"
            elif result.needs_model:
                self.analysis_notes[key] = (
                    f"no chat_analysis: {', '.join(result.needs_model)} need a model and none is configured "
                    "(set OPENAI_BASE_URL / OPENAI_API_KEY, or pass LocalEngine(model=...))"
                )
        return result.analysis

    async def analyze(self, snapshot: AgentSnapshot, messages: Sequence[WireMessage]) -> dict[str, Any] | None:
        """The analysis of a chat that ended from outside (end-chat) or is re-analysed; forgets its session."""
        live = self._live.pop(str(snapshot.conversation_id), None) if snapshot.conversation_id else None
        events = live.session.events if live is not None else tuple(wire_events(messages))
        return await self._analyze(snapshot, events)


async def playground_turn(
    factory: SessionFactory,
    snapshot: AgentSnapshot,
    messages: Sequence[WireMessage],
    *,
    dynamic_variables: Mapping[str, str],
    current_node_id: str | None,
    component_id: str | None,
    current_state: str | None,
    tool_mocks: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """One stateless playground turn, as a ``PlaygroundCompletionResponse`` body."""
    start_at: StartAt | None = None
    if current_node_id:
        start_at = StartAt(node_id=current_node_id, component_id=component_id, waiting=True)
    elif current_state:
        start_at = StartAt(state=current_state, waiting=True)
    if messages:
        text: str | None = _user_text(messages)
        prior = messages[:-1]
    else:
        text, prior = None, []
    session = _resumed(factory, snapshot, prior, dynamic_variables, start_at=start_at, tool_mocks=tool_mocks)
    mark = await _opened(session, resumed=start_at is not None or bool(prior))
    if text is None:
        await session.start()
    else:
        await session.user_says(text)
    new = session.events[mark:]
    fed = next((e for e in new if isinstance(e, Utterance) and e.role == "user" and e.content == text), None)
    retrieved = [c for e in new if isinstance(e, KnowledgeRetrieved) for c in e.contents]
    body: dict[str, Any] = {
        "messages": wire_messages(new, skip=fed),
        "call_ended": session.ended is not None,
        "dynamic_variables": session.variables,
        "knowledge_base_retrieved_contents": retrieved,
    }
    if session.current_node is not None:
        body["current_node_id"] = session.current_node
    if session.current_state is not None:
        body["current_state"] = session.current_state
    return body
