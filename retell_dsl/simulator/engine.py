"""The local conversation engine behind the emulator's port: :class:`LocalEngine`.

It implements :class:`~retell_dsl.emulator.engine_port.ConversationEngine` (and the optional
:class:`~retell_dsl.emulator.engine_port.ChatAnalyzer`, :class:`~retell_dsl.emulator.engine_port.CallAnalyzer`
and :class:`~retell_dsl.emulator.engine_port.ChatOpener`) structurally with the ``sim`` engine:
chats (:mod:`~retell_dsl.simulator.chats`), playground turns, simulation tests
(:mod:`~retell_dsl.simulator.testing`) and voice calls (:mod:`~retell_dsl.simulator.voice`).
The port is synchronous; the sessions are asynchronous, so they all live on one private event
loop (:class:`~retell_dsl.sim.runtime.Synchronous`), which also keeps the live chat sessions
usable from one completion to the next. Every call is bounded.

>>> from retell_dsl.emulator import Emulator
>>> from retell_dsl.sim.models import NoModel
>>> emu = Emulator(engine=LocalEngine(model=NoModel()))
>>> client = emu.client()
>>> flow = client.conversation_flow.create(
...     start_speaker="agent", start_node_id="hi", model_choice={"type": "cascading", "model": "gpt-4.1"},
...     nodes=[{"id": "hi", "type": "conversation", "instruction": {"type": "static_text", "text": "Hello {{name}}!"}}])
>>> engine = {"type": "conversation-flow", "conversation_flow_id": flow.conversation_flow_id}
>>> agent = client.chat_agent.create(response_engine=engine)
>>> chat = client.chat.create(agent_id=agent.agent_id, retell_llm_dynamic_variables={"name": "Ann"})
>>> turn = client.chat.create_chat_completion(chat_id=chat.chat_id, content="Hi")
>>> [(m.role, getattr(m, "content", None)) for m in turn.messages]
[('node_transition', None), ('agent', 'Hello Ann!')]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from retell_dsl.emulator.engine_port import AgentSnapshot, CallSession, ChatTurn, SimulationResult, WireMessage
from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.models import Model, default_model
from retell_dsl.sim.runtime import Clock, Limits, Synchronous
from retell_dsl.sim.tools import ASGIApp, Handler
from retell_dsl.simulator import chats, testing, voice
from retell_dsl.simulator.sessions import SessionFactory

__all__ = ["LocalEngine"]


class _Async:
    """The engine's asynchronous side (every method runs on the private loop)."""

    def __init__(self, engine: LocalEngine) -> None:
        self.engine = engine

    async def chat(self, *args: Any) -> ChatTurn:
        return await self.engine.chats.complete(*args)

    async def analyze(self, *args: Any) -> dict[str, Any] | None:
        return await self.engine.chats.analyze(*args)

    async def open_chat(self, *args: Any) -> ChatTurn:
        return await self.engine.chats.open(*args)

    async def analyze_call(self, snapshot: AgentSnapshot, call: Mapping[str, Any]) -> tuple[dict[str, Any] | None, str]:
        return await voice.reanalyze(snapshot, call, self.engine.model)

    async def playground(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        return await chats.playground_turn(self.engine.factory, *args, **kwargs)

    async def test_case(self, snapshot: AgentSnapshot, definition: Mapping[str, Any]) -> SimulationResult:
        e = self.engine
        return await testing.run_test_case(
            e.factory,
            snapshot,
            definition,
            persona_model=e.persona_model,
            judge_model=e.judge_model,
            timeout_s=e.test_timeout_s,
            max_turns=e.max_turns,
        )

    async def call(self, snapshot: AgentSnapshot, session: CallSession) -> tuple[str, ...]:
        e = self.engine
        return await voice.run_call(
            e.factory,
            snapshot,
            session,
            persona_model=e.persona_model,
            analysis_model=e.model,
            timeout_s=e.call_timeout_s,
            max_turns=e.max_turns,
        )


class LocalEngine:
    """Conversations run locally: hand it to ``Emulator(engine=LocalEngine())``.

    ``model`` writes the agent's turns and the post-call/chat analysis (default:
    :func:`~retell_dsl.sim.models.default_model`, an OpenAI-compatible server when
    ``OPENAI_BASE_URL`` / ``OPENAI_API_KEY`` are set, else ``NoModel``, which makes every place
    needing a model say so); ``persona_model`` plays simulated users and ``judge_model`` grades
    simulation tests (both default to ``model``). ``handlers`` / ``asgi_apps`` serve custom tools
    in process (by tool name / by URL prefix, see :mod:`retell_dsl.sim.tools`). ``limits`` bound
    each turn; ``test_timeout_s`` / ``call_timeout_s`` bound a whole simulated test or call and
    ``max_turns`` the simulated caller's turns.
    """

    def __init__(
        self,
        model: Model | None = None,
        *,
        persona_model: Model | None = None,
        judge_model: Model | None = None,
        handlers: Mapping[str, Handler] | None = None,
        asgi_apps: Mapping[str, ASGIApp] | None = None,
        limits: Limits | None = None,
        clock: Clock | None = None,
        test_timeout_s: float = 600.0,
        call_timeout_s: float = 600.0,
        max_turns: int = 200,
        max_live_chats: int = 256,
    ) -> None:
        for name, value in (("test_timeout_s", test_timeout_s), ("call_timeout_s", call_timeout_s)):
            if not value > 0:
                raise InvalidArgument(f"LocalEngine.{name} must be positive, got {value!r}")
        if max_turns < 1 or max_live_chats < 1:
            raise InvalidArgument(f"max_turns and max_live_chats must be at least 1, got {max_turns}, {max_live_chats}")
        self.model = model if model is not None else default_model()
        self.persona_model = persona_model or self.model
        self.judge_model = judge_model or self.model
        self.limits = limits or Limits()
        self.factory = SessionFactory(
            model=self.model,
            handlers=dict(handlers or {}),
            asgi_apps=dict(asgi_apps or {}),
            limits=self.limits,
            clock=clock,
        )
        self.test_timeout_s = test_timeout_s
        self.call_timeout_s = call_timeout_s
        self.max_turns = max_turns
        self.chats = chats.ChatBook(self.factory, self.model, capacity=max_live_chats)
        #: What a person needs to know about a call (by id) the engine held: why it failed, why it has no analysis.
        self.call_notes: dict[str, tuple[str, ...]] = {}
        # one bound for any single port call: the longest thing it may legitimately do, plus slack
        self._bound = max(test_timeout_s, call_timeout_s, self.limits.turn_timeout_s) + 60
        self._sync: Synchronous[_Async] | None = None  # started on first use (a thread and a loop)

    @property
    def _loop(self) -> Synchronous[_Async]:
        if self._sync is None:
            self._sync = Synchronous(_Async(self), timeout_s=self._bound)
        return self._sync

    def __repr__(self) -> str:
        return f"LocalEngine(model={self.model!r}, {len(self.chats)} live chats)"

    @property
    def analysis_notes(self) -> Mapping[str, str]:
        """Why a chat (by id) has no ``chat_analysis``: e.g. the fields that need a model."""
        return self.chats.analysis_notes

    def chat_completion(
        self, agent: AgentSnapshot, messages: Sequence[WireMessage], dynamic_variables: Mapping[str, str]
    ) -> ChatTurn:
        """The agent's next chat turn (see :mod:`retell_dsl.simulator.chats`)."""
        turn: ChatTurn = self._loop.run(self._loop.wrapped.chat, agent, messages, dynamic_variables)
        return turn

    def analyze_chat(self, agent: AgentSnapshot, messages: Sequence[WireMessage]) -> Mapping[str, Any] | None:
        """The ``chat_analysis`` of a chat (``None`` without a model; :attr:`analysis_notes` says why)."""
        result: Mapping[str, Any] | None = self._loop.run(self._loop.wrapped.analyze, agent, messages)
        return result

    def open_chat(self, agent: AgentSnapshot, dynamic_variables: Mapping[str, str]) -> ChatTurn:
        """The agent's opening turn of a chat it starts (an outbound SMS chat)."""
        turn: ChatTurn = self._loop.run(self._loop.wrapped.open_chat, agent, dynamic_variables)
        return turn

    def analyze_call(self, agent: AgentSnapshot, call: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The ``call_analysis`` of an ended call, again (``None`` without a model; :attr:`call_notes` says why)."""
        analysis, note = self._loop.run(self._loop.wrapped.analyze_call, agent, call)
        if note:
            self.call_notes[str(call.get("call_id"))] = (note,)
        result: Mapping[str, Any] | None = analysis
        return result

    def playground_completion(
        self,
        agent: AgentSnapshot,
        messages: Sequence[WireMessage],
        *,
        dynamic_variables: Mapping[str, str],
        current_node_id: str | None,
        component_id: str | None,
        current_state: str | None,
        tool_mocks: Sequence[Mapping[str, Any]],
    ) -> Mapping[str, Any]:
        """One stateless playground turn."""
        body: Mapping[str, Any] = self._loop.run(
            self._loop.wrapped.playground,
            agent,
            messages,
            dynamic_variables=dynamic_variables,
            current_node_id=current_node_id,
            component_id=component_id,
            current_state=current_state,
            tool_mocks=tool_mocks,
        )
        return body

    def run_test_case(self, agent: AgentSnapshot, definition: Mapping[str, Any]) -> SimulationResult:
        """One simulated, judged test conversation (bounded by ``test_timeout_s``)."""
        result: SimulationResult = self._loop.run(self._loop.wrapped.test_case, agent, definition)
        return result

    def run_call(self, agent: AgentSnapshot, session: CallSession) -> None:
        """Hold a voice call and record it on ``session`` (bounded by ``call_timeout_s``); see :attr:`call_notes`."""
        call_id = str(session.call.get("call_id"))
        notes: tuple[str, ...] = self._loop.run(self._loop.wrapped.call, agent, session)
        self.call_notes[call_id] = notes

    def close(self) -> None:
        """Stop the private event loop (live chats are forgotten); the next call starts a new one."""
        if self._sync is not None:
            self._sync.close()
            self._sync = None
        self.chats = chats.ChatBook(self.factory, self.model, capacity=self.chats.capacity)
