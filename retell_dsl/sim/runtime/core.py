"""The state every interpreter shares: the event log, variables, the clock, the model and the tools.

Interpreters (:mod:`~retell_dsl.sim.runtime.flow`, :mod:`~retell_dsl.sim.runtime.llm`) only
append events through :meth:`Core.emit`; the model's chat history is derived from the log
(:func:`~retell_dsl.sim.runtime.history.history`), so an agent swap hands the whole
conversation on for free. A condition that ends the conversation raises :class:`Stop`; the
session turns it into :class:`~retell_dsl.sim.events.EngineFailed` + ``Ended``.

>>> core = Core.for_tests()
>>> core.values["name"] = "Ann"
>>> core.substitute("Hi {{ name }} ({{session_type}}), {{missing}}")
'Hi Ann (voice), {{missing}}'
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from retell_dsl.sim.events import (
    Event,
    EventLog,
    KnowledgeRetrieved,
    ModelUsed,
    ToolInvoked,
    ToolReturned,
    Utterance,
    VariablesSet,
)
from retell_dsl.sim.kb import KnowledgeBaseIndex, prompt_section, retrieved_contents
from retell_dsl.sim.models import (
    InvalidModelReply,
    Message,
    Model,
    ModelContext,
    ModelError,
    ModelReply,
    ModelRequest,
    NoModel,
    ProviderFailed,
    ProviderUnavailable,
    Purpose,
    ToolSchema,
    validate_reply,
)
from retell_dsl.sim.runtime.config import CallFacts, Clock, Limits, ManualClock
from retell_dsl.sim.runtime.history import history
from retell_dsl.sim.runtime.transfer_agent import TransferAgent
from retell_dsl.sim.runtime.variables import DEFAULT_ZONE, Scope, calendar, format_time, local_hour
from retell_dsl.sim.tools import ToolCall, ToolContext, ToolResult, ToolRunner
from retell_dsl.wire.variables import substitute

__all__ = ["AgentEngine", "Core", "Resolver", "Stop", "Where", "model_settings"]

ENGINE_ERROR = "error_llm_websocket_runtime"
_PLAIN_REFERENCE = re.compile(r"\{\{([^{}]*)\}\}")
_BRACE = re.compile(r"[{}]")


def _value_or_raw(scope: Mapping[str, str], match: re.Match[str]) -> str:
    value = scope.get(match[1].strip())
    return match[0] if value is None else value


class Stop(Exception):
    """End the conversation: ``message`` names the node or state, ``reason`` is Retell's disconnection reason."""

    def __init__(
        self, message: str, reason: str = ENGINE_ERROR, *, node_id: str | None = None, state: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.node_id = node_id
        self.state = state


@dataclass(frozen=True, slots=True, kw_only=True)
class AgentEngine:
    """One agent and its response engine, as wire JSON.

    ``engine`` is the Retell LLM or the conversation flow the agent's ``response_engine`` names;
    ``components`` are shared flow components by id. ``kind`` is read from the agent's
    ``response_engine.type``, else from the engine's shape (``nodes`` means a flow).

    >>> AgentEngine(agent={}, engine={"nodes": []}).kind
    'conversation-flow'
    """

    agent: Mapping[str, Any]
    engine: Mapping[str, Any]
    components: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """``conversation-flow`` or ``retell-llm``."""
        declared = self.agent.get("response_engine")
        kind = declared.get("type") if isinstance(declared, Mapping) else None
        if kind in ("conversation-flow", "retell-llm"):
            return str(kind)
        return "conversation-flow" if "nodes" in self.engine else "retell-llm"


#: ``resolver(agent_id, agent_version)``: the destination of an agent swap, or ``None`` when unknown.
Resolver = Callable[[str, int | None], AgentEngine | None]


@dataclass(frozen=True, slots=True, kw_only=True)
class Where:
    """Where the engine is, for model contexts, events and error messages."""

    node_id: str | None = None
    node_name: str | None = None
    state: str | None = None
    component_id: str | None = None

    def context(self, purpose: Purpose) -> ModelContext:
        """The model context of a request made here."""
        return ModelContext(
            purpose=purpose,
            node_id=self.node_id,
            node_name=self.node_name,
            state=self.state,
            component_id=self.component_id,
        )

    @property
    def text(self) -> str:
        """A phrase naming the place."""
        return self.context("reply").where


def model_settings(*owners: Mapping[str, Any]) -> tuple[str | None, float | None]:
    """The model and temperature asked for: the first owner (node, flow, LLM) that sets either wins.

    Read from ``model_config`` (``primary.model``, ``temperature``), else the older ``model_choice``
    / ``model`` and ``model_temperature``.

    >>> model_settings({}, {"model_config": {"primary": {"model": "gpt-4.1"}, "temperature": 0.2}})
    ('gpt-4.1', 0.2)
    >>> model_settings({"model": "gpt-5", "model_temperature": 0}, {"model_config": {"primary": {"model": "x"}}})
    ('gpt-5', 0.0)
    """
    for owner in owners:
        config = owner.get("model_config")
        config = config if isinstance(config, Mapping) else {}
        primary = config.get("primary")
        model = primary.get("model") if isinstance(primary, Mapping) else None
        choice = owner.get("model_choice")
        model = model or (choice.get("model") if isinstance(choice, Mapping) else None) or owner.get("model")
        temperature = config.get("temperature")
        temperature = temperature if temperature is not None else owner.get("model_temperature")
        if model or temperature is not None:
            return (str(model) if model else None), (float(temperature) if temperature is not None else None)
    return None, None


class Core:
    """Shared, mutable state of one conversation (the log itself is append-only)."""

    def __init__(
        self,
        *,
        model: Model,
        runner: ToolRunner | None,
        clock: Clock,
        facts: CallFacts,
        limits: Limits,
        values: Mapping[str, str],
        kb: KnowledgeBaseIndex | None = None,
        resolver: Resolver | None = None,
    ) -> None:
        self.log = EventLog()
        self.model = model
        self.runner = runner if runner is not None else ToolRunner(substitute=self.substitute)
        self.clock = clock
        self.facts = facts
        self.limits = limits
        self.kb = kb
        self.resolver = resolver
        self.values: dict[str, str] = {str(k): str(v) for k, v in values.items() if v is not None}
        self.defaults: dict[str, str] = {}
        self.system: dict[str, str] = {}
        self.started_ms = clock.now_ms()
        self.skipped_ms = 0
        self.transitions = 0
        self._ids = 0
        self._retrieved: dict[tuple[object, ...], str] = {}
        #: decides agentic warm transfers (see transfer_agent); ``None``: they succeed
        self.transfer_agent: TransferAgent | None = None
        #: set by the session: continue the conversation in another agent (agent swap)
        self.switch: Callable[[AgentEngine], Awaitable[None]] | None = None

    @classmethod
    def for_tests(cls, model: Model | None = None) -> Core:
        """A core with a manual clock, no model and default facts (doctests and unit tests)."""
        return cls(
            model=model or NoModel(), runner=None, clock=ManualClock(), facts=CallFacts(), limits=Limits(), values={}
        )

    # -- time, events, variables -------------------------------------------------------------
    def now(self) -> int:
        """Milliseconds of conversation time so far."""
        return self.clock.now_ms() - self.started_ms + self.skipped_ms

    def emit(self, event: Event) -> None:
        """Append one event."""
        self.log.append(event)

    def next_id(self, prefix: str = "tool_call") -> str:
        """A deterministic id (``tool_call_1``, ``tool_call_2``…)."""
        self._ids += 1
        return f"{prefix}_{self._ids}"

    def _system(self) -> dict[str, str]:
        now = self.clock.now_ms() + self.skipped_ms
        elapsed = self.now()
        facts = self.facts
        out = {
            "current_time": format_time(now),
            "current_hour": str(local_hour(now, DEFAULT_ZONE)),
            "current_calendar": calendar(now),
            "session_type": facts.session_type,
            "session_duration": f"{elapsed // 60000} minutes {elapsed // 1000 % 60} seconds",
            "session_duration_ms": str(elapsed),
            **self.system,
        }
        if facts.session_type == "chat":
            out["chat_id"] = facts.call_id
        else:
            out.update(call_id=facts.call_id, call_type=facts.call_type)
            if facts.is_phone_call:
                out["direction"] = facts.direction
                for name, number in (("user_number", facts.user_number), ("agent_number", facts.agent_number)):
                    if number:
                        out[name] = number
        return out

    @property
    def scope(self) -> Scope:
        """Every variable a ``{{name}}`` sees now."""
        return Scope(self.values, self._system, self.defaults, now_ms=lambda: self.clock.now_ms() + self.skipped_ms)

    def substitute(self, text: str) -> str:
        """``text`` with Retell's ``{{variable}}`` substitution applied."""
        if "{{" not in text:  # nothing to replace: skip building the scope
            return text
        scope = self.scope
        # Fast path, same result as wire.variables.substitute: when every brace of the text belongs to
        # a plain ``{{name}}`` (no nesting, no stray braces), each reference is replaced on its own.
        if not _BRACE.search(_PLAIN_REFERENCE.sub("", text)):
            return _PLAIN_REFERENCE.sub(lambda m: _value_or_raw(scope, m), text)
        return substitute(text, scope)

    def set_variables(self, values: Mapping[str, object], source: str) -> None:
        """Store variables (as strings; ``None`` skipped) and append :class:`VariablesSet` when any changed."""
        clean = {str(k): v if isinstance(v, str) else json.dumps(v) for k, v in values.items() if v is not None}
        if clean:
            self.values.update(clean)
            self.emit(VariablesSet(at_ms=self.now(), values=clean, source=source))

    def retrieve(self, knowledge_base_ids: Sequence[str], kb_config: Mapping[str, Any] | None) -> str:
        """KB chunks for the last user turn: appends :class:`KnowledgeRetrieved`, returns the prompt block."""
        last = self.log.last(Utterance)
        if self.kb is None or not knowledge_base_ids or last is None or last.role != "user":
            return ""
        turn = sum(1 for e in self.log if isinstance(e, Utterance) and e.role == "user")
        key = (turn, last.content, tuple(knowledge_base_ids), repr(kb_config))
        cached = self._retrieved.get(key)
        if cached is not None:  # once per user turn, however many model calls it takes
            return cached
        started = self.clock.now_ms()
        found = self.kb.search_config(last.content, kb_config, list(knowledge_base_ids))
        if found:
            contents = tuple(retrieved_contents(found))
            took = max(0, self.clock.now_ms() - started)
            self.emit(KnowledgeRetrieved(at_ms=self.now(), query=last.content, contents=contents, latency_ms=took))
        section = prompt_section(found)
        self._retrieved = {key: section}
        return section

    # -- the model ---------------------------------------------------------------------------
    async def ask(
        self,
        where: Where,
        purpose: Purpose,
        *,
        system: str = "",
        tools: Sequence[ToolSchema] = (),
        tool_choice: str = "auto",
        retell_model: str | None = None,
        temperature: float | None = None,
        extra: Sequence[Message] = (),
    ) -> ModelReply:
        """One bounded model call; every failure is a :class:`ModelError` naming ``where``."""
        messages = ((Message.system(system),) if system else ()) + history(self.log) + tuple(extra)
        request = ModelRequest(
            messages=messages,
            tools=tuple(tools),
            tool_choice=tool_choice,
            temperature=temperature,
            retell_model=retell_model,
            context=where.context(purpose),
        )
        timeout = self.limits.model_timeout_s
        started = self.clock.now_ms()
        try:
            async with asyncio.timeout(timeout):
                reply = await self.model.complete(request)
        except ModelError:
            raise
        except TimeoutError:
            raise ProviderUnavailable(f"the model did not answer within {timeout:g} s", where=where.text) from None
        except Exception as exc:
            raise ProviderFailed(f"the model raised {type(exc).__name__}: {exc}", where=where.text) from exc
        if not isinstance(reply, ModelReply):
            raise InvalidModelReply(f"the model returned {type(reply).__name__}, not a ModelReply", where=where.text)
        validate_reply(request, reply)
        self.emit(
            ModelUsed(
                at_ms=self.now(),
                purpose=purpose,
                model=reply.model or (retell_model or ""),
                latency_ms=max(0, self.clock.now_ms() - started),
                prompt_tokens=reply.usage.prompt_tokens,
                completion_tokens=reply.usage.completion_tokens,
            )
        )
        return reply

    # -- tools -------------------------------------------------------------------------------
    def tool_context(self) -> ToolContext:
        """What a tool call is given: the call object, every variable, the metadata."""
        facts = self.facts
        call = {
            "call_id": facts.call_id,
            "agent_id": facts.agent_id,
            "call_type": facts.call_type,
            "direction": facts.direction,
            "from_number": facts.from_number,
            "to_number": facts.to_number,
            "metadata": dict(facts.metadata),
            "retell_llm_dynamic_variables": dict(self.values),
        }
        return ToolContext(call_object=call, dynamic_variables=dict(self.scope), metadata=dict(facts.metadata))

    def invoked(self, where: Where, call_id: str, name: str, kind: str, arguments: str = "{}") -> None:
        """Append :class:`ToolInvoked`."""
        self.emit(
            ToolInvoked(
                at_ms=self.now(),
                tool_call_id=call_id,
                name=name,
                type=kind,
                arguments=arguments,
                node_id=where.node_id,
                state=where.state,
            )
        )

    def returned(
        self, call_id: str, content: str, *, successful: bool = True, source: str = "none", error: str | None = None
    ) -> None:
        """Append :class:`ToolReturned`."""
        self.emit(
            ToolReturned(
                at_ms=self.now(),
                tool_call_id=call_id,
                content=content,
                successful=successful,
                source=source,
                error=error,
            )
        )

    def record_result(self, result: ToolResult) -> None:
        """Append the :class:`ToolReturned` of ``result`` and the variables it set."""
        error = result.error.kind.value if result.error is not None else None
        self.returned(
            result.call.tool_call_id, result.content, successful=result.successful, source=result.source, error=error
        )
        self.set_variables(result.variables, f"tool:{result.call.name}")

    async def run_tool(
        self, where: Where, tool: Mapping[str, Any], name: str, call_id: str, arguments: str | Mapping[str, object]
    ) -> ToolResult:
        """Run a custom/code/MCP tool through the runner; appends ToolInvoked, ToolReturned, VariablesSet."""
        kind = str(tool.get("type") or "custom")
        call = ToolCall.from_arguments(
            name=name,
            type=kind,
            arguments=arguments,
            tool_call_id=call_id,
            tool_id=str(tool.get("tool_id") or "") or None,
        )
        self.invoked(where, call_id, name, kind, call.arguments)
        result = await self.runner.run(tool, call, self.tool_context())
        if kind == "mcp" and result.error is not None and result.error.kind.value == "unsupported_tool":
            message = (
                f"MCP tool {name!r} cannot reach its MCP server in a local run; register a Python handler "
                f"for {name!r} to answer it."
            )
            result = ToolResult.failure(result.call, result.error.kind, message, source="none")
        self.record_result(result)
        return result
