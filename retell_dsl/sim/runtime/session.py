"""A conversation with one agent, run locally: start it, feed it turns, read its events.

Built from wire JSON: the agent, its response engine (a Retell LLM or a conversation flow) and
shared components by id. Every API call returns the events it produced, never raises for what
happens in the conversation: a failure appends :class:`~retell_dsl.sim.events.EngineFailed` and
:class:`~retell_dsl.sim.events.Ended` with Retell's disconnection reason. Reasons chosen where
Retell has none: a malformed engine (dangling node, loop without a user turn, missing
component, unknown state) and a turn that outlives ``Limits.turn_timeout_s`` end with
``error_llm_websocket_runtime`` (the response engine failed while running); an unexpected
engine fault ends with ``error_unknown``; model errors carry their own reason. A user's
silence brings reminders and, past ``end_call_after_silence_ms``, ends the call with
``inactivity``; a voice session ends with ``max_duration_reached`` at the agent's
``max_call_duration_ms`` (see :mod:`~retell_dsl.sim.runtime.silence`). A transfer agent's leg
(``CallFacts.warm_transfer``) that reaches the transfer's ``timeout_ms`` without a decision ends
with the ``action_on_timeout``'s reason (``transfer_bridged`` / ``transfer_cancelled``), no tool
call recorded (the agent decided nothing).

>>> flow = {"start_speaker": "agent", "start_node_id": "hi", "nodes": [
...     {"id": "hi", "type": "conversation", "instruction": {"type": "static_text", "text": "Hello {{name}}!"},
...      "always_edge": {"id": "hi.always", "destination_node_id": "bye",
...                      "transition_condition": {"type": "prompt", "prompt": "Always"}}},
...     {"id": "bye", "type": "end", "instruction": {"type": "static_text", "text": "Bye!"}}]}
>>> with Session.sync(agent={}, engine=flow, variables={"name": "Ann"}) as chat:
...     [getattr(e, "content", type(e).__name__) for e in chat.start() + chat.user_says("Hi")]
['NodeTransition', 'Hello Ann!', 'Hi', 'NodeTransition', 'Bye!', 'Ended']
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Protocol

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.events import Ended, EngineFailed, Event, Utterance
from retell_dsl.sim.kb import KnowledgeBaseIndex
from retell_dsl.sim.models import Model, ModelError, NoModel
from retell_dsl.sim.runtime import builtins
from retell_dsl.sim.runtime.builtins import Finished, HandedOver
from retell_dsl.sim.runtime.config import CallFacts, Clock, Limits, ManualClock, StartAt, SystemClock
from retell_dsl.sim.runtime.core import ENGINE_ERROR, AgentEngine, Core, Resolver, Stop, Where
from retell_dsl.sim.runtime.flow import FlowInterpreter
from retell_dsl.sim.runtime.llm import LlmInterpreter
from retell_dsl.sim.runtime.silence import SilencePlan, max_duration_ms, remind
from retell_dsl.sim.runtime.sync import Synchronous
from retell_dsl.sim.runtime.transfer_agent import TransferAgent
from retell_dsl.sim.tools import ASGIApp, Handler, ToolMock, ToolRunner

__all__ = ["Session"]


class _Interpreter(Protocol):
    async def start(self) -> None: ...
    async def begin_after_swap(self) -> None: ...
    async def user_says(self, text: str) -> None: ...
    async def interrupt(self, text: str) -> None: ...
    async def press(self, digits: str) -> None: ...
    async def silence(self, ms: int) -> None: ...


class Session:
    """One local conversation (see the module docstring); every method returns the new events."""

    def __init__(
        self,
        *,
        agent: Mapping[str, Any],
        engine: Mapping[str, Any],
        components: Mapping[str, Mapping[str, Any]] | None = None,
        model: Model | None = None,
        tools: ToolRunner | None = None,
        tool_mocks: Iterable[Mapping[str, object] | ToolMock] = (),
        handlers: Mapping[str, Handler] | None = None,
        asgi_apps: Mapping[str, ASGIApp] | None = None,
        variables: Mapping[str, str] | None = None,
        facts: CallFacts | None = None,
        clock: Clock | None = None,
        limits: Limits | None = None,
        kb: KnowledgeBaseIndex | None = None,
        resolver: Resolver | None = None,
        start_at: StartAt | None = None,
        transfer_agent: TransferAgent | None = None,
    ) -> None:
        for label, value in (("agent", agent), ("engine", engine)):
            if not isinstance(value, Mapping):
                raise InvalidArgument(f"{label} must be the wire JSON object (a dict), got {type(value).__name__}")
        self._engine = AgentEngine(agent=agent, engine=engine, components=dict(components or {}))
        self.core = Core(
            model=model or NoModel(),
            runner=tools,
            clock=clock or SystemClock(),
            facts=facts or CallFacts(),
            limits=limits or Limits(),
            values=dict(variables or {}),
            kb=kb,
            resolver=resolver,
        )
        if tools is None:
            self.core.runner = ToolRunner(
                mocks=tool_mocks, handlers=handlers, asgi_apps=asgi_apps, substitute=self.core.substitute
            )
        agent_defaults = agent.get("default_dynamic_variables")
        if isinstance(agent_defaults, Mapping):
            self.core.defaults.update({str(k): str(v) for k, v in agent_defaults.items() if v is not None})
        self.core.switch = self._switch
        self.core.transfer_agent = transfer_agent
        self._interp: _Interpreter = self._interpreter(self._engine, start_at)
        self._started = False
        self._quiet_ms = 0  # user silence so far (see silence())
        self._reminders = 0

    @classmethod
    def sync(cls, **kwargs: Any) -> Synchronous[Session]:
        """A :class:`Session` behind the generic synchronous facade (same methods, blocking)."""
        return Synchronous(cls(**kwargs))

    def _interpreter(self, engine: AgentEngine, start_at: StartAt | None) -> _Interpreter:
        if engine.kind == "conversation-flow":
            return FlowInterpreter(self.core, engine, start_at)
        return LlmInterpreter(self.core, engine, start_at)

    async def _switch(self, target: AgentEngine) -> None:
        agent_id = str(target.agent.get("agent_id") or self.core.facts.agent_id)
        self.core.facts = dataclasses.replace(self.core.facts, agent_id=agent_id)
        self._engine = target
        self._interp = self._interpreter(target, None)
        await self._interp.begin_after_swap()

    # -- reading -----------------------------------------------------------------------------
    @property
    def events(self) -> tuple[Event, ...]:
        """Every event so far."""
        return self.core.log.snapshot()

    @property
    def ended(self) -> Ended | None:
        """The :class:`Ended` event once the conversation is over."""
        return self.core.log.ended

    @property
    def variables(self) -> dict[str, str]:
        """The dynamic variables the conversation holds (given and collected; not system ones)."""
        return dict(self.core.values)

    @property
    def current_node(self) -> str | None:
        """The flow node id the caller is at (``None`` for a Retell LLM)."""
        node = getattr(self._interp, "node", None)
        return str(node.get("id")) if isinstance(node, Mapping) else None

    @property
    def component_id(self) -> str | None:
        """The component the caller is in, if any."""
        return self._interp.frame.component_id if isinstance(self._interp, FlowInterpreter) else None

    @property
    def current_state(self) -> str | None:
        """The Retell LLM state (``None`` for a flow)."""
        return self._interp.state if isinstance(self._interp, LlmInterpreter) else None

    # -- driving -----------------------------------------------------------------------------
    async def start(self) -> tuple[Event, ...]:
        """Open the conversation (who speaks first follows the engine's rules); a second call does nothing."""
        if self._started:
            return ()
        self._started = True
        return await self._guard(self._interp.start)

    async def user_says(self, text: str) -> tuple[Event, ...]:
        """The user says (or types) ``text``."""
        opened = await self.start()
        self._quiet_ms, self._reminders = 0, 0
        return opened + await self._guard(lambda: self._interp.user_says(str(text)))

    async def interrupt(self, text: str) -> tuple[Event, ...]:
        """The user says ``text`` over the agent, within about a second of a node transition.

        The text stand-in for a voice barge-in: a flow goes back (``interrupt_go_back``) to the
        node the user was answering and hears the turn there (see
        :mod:`~retell_dsl.sim.runtime.flow`); a Retell LLM hears an ordinary turn.
        """
        opened = await self.start()
        self._quiet_ms, self._reminders = 0, 0
        return opened + await self._guard(lambda: self._interp.interrupt(str(text)))

    async def press(self, digits: str) -> tuple[Event, ...]:
        """The user presses keys (``0-9``, ``*``, ``#``)."""
        bad = [d for d in str(digits) if d not in "0123456789*#"]
        if bad or not digits:
            raise InvalidArgument(f"press() takes keys 0-9, * and #; got {digits!r}")
        opened = await self.start()
        self._quiet_ms, self._reminders = 0, 0
        return opened + await self._guard(lambda: self._interp.press(str(digits)))

    async def silence(self, ms: int) -> tuple[Event, ...]:
        """The user says nothing for ``ms`` milliseconds: begin-after-silence, reminders, inactivity, max duration.

        See :mod:`~retell_dsl.sim.runtime.silence`; consecutive silences add up.
        """
        if not isinstance(ms, int) or ms < 0:
            raise InvalidArgument(f"silence() takes a non-negative number of milliseconds, got {ms!r}")
        opened = await self.start()
        return opened + await self._guard(lambda: self._silent(ms))

    async def _silent(self, ms: int) -> None:
        core, agent = self.core, self._engine.agent
        voice = core.facts.session_type == "voice"
        plan = SilencePlan.of(agent, voice=voice)
        last = core.log.last(Utterance)
        spoke = last is not None and last.role == "agent"  # reminders follow the agent's speech
        before = self._quiet_ms
        done = self._reminders if spoke else plan.max_reminders
        moments: list[tuple[int, str]] = [
            (at - before, what)
            for at, what in plan.moments(quiet_before=before, quiet_after=before + ms, reminders_done=done)
        ]
        limit = max_duration_ms(agent, voice=voice)
        if limit is not None and limit - core.now() <= ms:
            moments.append((max(0, limit - core.now()), "max_duration"))
        deadline = self._transfer_deadline()
        if deadline is not None and deadline[0] - core.now() <= ms:
            moments.append((max(0, deadline[0] - core.now()), deadline[1]))
        moments.sort(key=lambda m: (m[0], m[1] == "remind"))  # an end at the same moment wins
        passed = 0
        for offset, what in moments:
            self._advance(offset - passed)
            passed = offset
            if what == "remind":
                self._reminders += 1
                await remind(core, *self._place(), quiet_ms=before + offset)
                continue
            reason = {"end": "inactivity", "max_duration": "max_duration_reached"}.get(what, what)
            core.emit(Ended(at_ms=core.now(), reason=reason))
            return
        self._advance(ms - passed)
        self._quiet_ms = before + ms
        mark = len(core.log)
        await self._interp.silence(ms)
        if any(isinstance(e, Utterance) and e.role == "agent" for e in core.log.since(mark)):
            self._quiet_ms, self._reminders = 0, 0  # the agent spoke (begin after silence): a new silence

    def _transfer_deadline(self) -> tuple[int, str] | None:
        """When a warm transfer's transfer agent runs out of time, and the reason it then ends with."""
        transfer = self.core.facts.warm_transfer
        if transfer is None:
            return None
        return transfer.timeout_ms, builtins.TRANSFER_DECISIONS[transfer.action_on_timeout]

    def _advance(self, ms: int) -> None:
        if ms <= 0:
            return
        if isinstance(self.core.clock, ManualClock):
            self.core.clock.advance(ms)
        else:
            self.core.skipped_ms += ms

    def _place(self) -> tuple[Where, str]:
        """Where the agent is and the prompt it has there (for a reminder)."""
        interp = self._interp
        if isinstance(interp, FlowInterpreter):
            return (interp.where(interp.node), interp.prompt(interp.node)) if interp.node else (interp.where(), "")
        if isinstance(interp, LlmInterpreter):
            return interp.where, interp.system_prompt()
        return Where(), ""

    async def respond(self) -> tuple[Event, ...]:
        """The agent takes a turn without the user (Retell's update-live-call ``trigger_response``).

        A Retell LLM answers from its current state as after a user turn; a flow runs the node it
        waits at again (its instruction is spoken again, then its transitions are followed).
        """
        opened = await self.start()
        interp = self._interp

        async def step() -> None:
            if isinstance(interp, LlmInterpreter):
                await interp.respond()
            elif isinstance(interp, FlowInterpreter) and interp.node is not None:
                await interp.run(interp.node)

        return opened + await self._guard(step)

    async def hang_up(self) -> tuple[Event, ...]:
        """The user hangs up (``user_hangup``)."""

        async def step() -> None:
            self.core.emit(Ended(at_ms=self.core.now(), reason="user_hangup"))

        return await self._guard(step)

    async def _guard(self, step: Callable[[], Awaitable[None]]) -> tuple[Event, ...]:
        log = self.core.log
        mark = len(log)
        if log.ended is not None:
            return ()
        timeout = self.core.limits.turn_timeout_s
        try:
            self._end_when_due()
            async with asyncio.timeout(timeout):
                await step()
            if log.ended is None:
                self._end_when_due()
        except (Finished, HandedOver):
            pass
        except Stop as stop:
            self._fail(stop.message, stop.reason, stop.node_id, stop.state)
        except ModelError as err:
            self._fail(str(err), err.disconnection_reason)
        except TimeoutError:
            self._fail(f"the turn did not finish within {timeout:g} s (Limits.turn_timeout_s)", ENGINE_ERROR)
        except Exception as exc:  # the session's promise: an error event, never a traceback
            self._fail(f"the local engine failed: {type(exc).__name__}: {exc}", "error_unknown")
        return log.since(mark)

    def _end_when_due(self) -> None:
        """End the call when its maximum duration or the warm transfer's deadline has passed."""
        now = self.core.now()
        limit = max_duration_ms(self._engine.agent, voice=self.core.facts.session_type == "voice")
        deadline = self._transfer_deadline()
        due = [(at, why) for at, why in ((limit, "max_duration_reached"), deadline or (None, "")) if at is not None]
        due = [(at, why) for at, why in due if now >= at]
        if due:
            builtins.end(self.core, min(due)[1])

    def _fail(self, message: str, reason: str, node_id: str | None = None, state: str | None = None) -> None:
        core = self.core
        if core.log.ended is not None:
            return
        core.emit(
            EngineFailed(
                at_ms=core.now(),
                message=message,
                reason=reason,
                node_id=node_id or self.current_node,
                state=state or self.current_state,
            )
        )
        core.emit(Ended(at_ms=core.now(), reason=reason))
