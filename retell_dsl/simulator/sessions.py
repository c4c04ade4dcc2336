"""Building engine sessions from the emulator's snapshots, and reading resume points from wire history.

A chat or playground turn may have to pick a conversation up where it was (the emulator
restarted, or the playground is stateless): :func:`resume_point` finds the last node or state
in the history's ``node_transition`` / ``state_transition`` messages and the variables the
history's ``extract_dynamic_variable`` results and the ``response_variables`` of its tool results
collected (:func:`response_variables` reads them from the engine); :func:`seed` puts the history's
utterances and tool calls into a new session's log, so the model sees them as context (no
turn is replayed).

>>> history = [{"role": "agent", "content": "Hi"},
...            {"role": "node_transition", "former_node_id": "a", "former_node_name": "A",
...             "new_node_id": "b", "new_node_name": "B"},
...            {"role": "tool_call_invocation", "tool_call_id": "t1", "name": "Get name",
...             "type": "extract_dynamic_variable", "arguments": "{}"},
...            {"role": "tool_call_result", "tool_call_id": "t1", "content": '{"name": "Ann"}'}]
>>> resume_point(history)
(StartAt(node_id='b', component_id=None, state=None, waiting=True), {'name': 'Ann'})
>>> resume_point(history + [{"role": "tool_call_invocation", "tool_call_id": "t2", "name": "crm", "arguments": "{}"},
...     {"role": "tool_call_result", "tool_call_id": "t2", "content": '{"tier": "gold"}'}], {"crm": {"t": "tier"}})[1]
{'name': 'Ann', 't': 'gold'}
>>> [type(e).__name__ for e in wire_events(history)]
['Utterance', 'ToolInvoked', 'ToolReturned']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from retell_dsl.emulator.engine_port import AgentSnapshot
from retell_dsl.sim.events import Event, ToolInvoked, ToolReturned, Utterance
from retell_dsl.sim.kb import KnowledgeBaseIndex, Source
from retell_dsl.sim.models import Model
from retell_dsl.sim.runtime import CallFacts, Clock, Limits, Session, StartAt
from retell_dsl.sim.tools import ASGIApp, Handler, extract_variables

__all__ = ["SessionFactory", "knowledge_index", "response_variables", "resume_point", "seed", "wire_events"]


def wire_events(messages: Iterable[Mapping[str, Any]]) -> list[Event]:
    """The model-visible events of wire messages (utterances, tool invocations and results)."""
    out: list[Event] = []
    for message in messages:
        role = message.get("role")
        if role in ("agent", "user") and isinstance(message.get("content"), str):
            out.append(Utterance(at_ms=0, role=role, content=message["content"]))
        elif role == "tool_call_invocation":
            out.append(
                ToolInvoked(
                    at_ms=0,
                    tool_call_id=str(message.get("tool_call_id") or ""),
                    name=str(message.get("name") or ""),
                    type=str(message.get("type") or "custom"),
                    arguments=str(message.get("arguments") or "{}"),
                )
            )
        elif role == "tool_call_result":
            out.append(
                ToolReturned(
                    at_ms=0,
                    tool_call_id=str(message.get("tool_call_id") or ""),
                    content=str(message.get("content") or ""),
                    successful=message.get("successful") is not False,
                    source="history",
                )
            )
    return out


def response_variables(engine: Mapping[str, Any] | None) -> dict[str, Mapping[str, str]]:
    """Tool name → its ``response_variables``, over a flow's tools and a Retell LLM's general and state tools."""
    if not engine:
        return {}
    tools = [*(engine.get("tools") or ()), *(engine.get("general_tools") or ())]
    for state in engine.get("states") or ():
        if isinstance(state, Mapping):
            tools += list(state.get("tools") or ())
    return {
        str(t["name"]): t["response_variables"]
        for t in tools
        if isinstance(t, Mapping) and t.get("name") and isinstance(t.get("response_variables"), Mapping)
    }


def resume_point(
    messages: Sequence[Mapping[str, Any]], tool_variables: Mapping[str, Mapping[str, str]] | None = None
) -> tuple[StartAt | None, dict[str, str]]:
    """Where the history left the conversation (``None``: nowhere yet) and the variables it collected.

    ``tool_variables`` (see :func:`response_variables`) names the variables each tool's result sets.
    """
    node: str | None = None
    state: str | None = None
    extracts: set[str] = set()
    by_call: dict[str, Mapping[str, str]] = {}
    values: dict[str, str] = {}
    for message in messages:
        role = message.get("role")
        if role == "node_transition" and message.get("new_node_id"):
            node = str(message["new_node_id"])
        elif role == "state_transition" and message.get("new_state_name"):
            state = str(message["new_state_name"])
        elif role == "tool_call_invocation" and message.get("type") == "extract_dynamic_variable":
            extracts.add(str(message.get("tool_call_id")))
        elif role == "tool_call_invocation" and str(message.get("name")) in (tool_variables or {}):
            by_call[str(message.get("tool_call_id"))] = (tool_variables or {})[str(message.get("name"))]
        elif role == "tool_call_result" and str(message.get("tool_call_id")) in by_call:
            values.update(extract_variables(str(message.get("content") or ""), by_call[str(message["tool_call_id"])]))
        elif role == "tool_call_result" and str(message.get("tool_call_id")) in extracts:
            try:
                parsed = json.loads(str(message.get("content") or ""))
            except ValueError:
                continue
            if isinstance(parsed, dict):
                values.update({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in parsed.items()})
    if node is not None:
        return StartAt(node_id=node, waiting=True), values
    if state is not None:
        return StartAt(state=state, waiting=True), values
    return None, values


def seed(session: Session, events: Iterable[Event]) -> None:
    """Put earlier turns into a fresh session's log (context for the model; nothing is re-run)."""
    for event in events:
        session.core.log.append(event)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionFactory:
    """What every session of one engine shares: the model, tool handlers and apps, bounds, a clock."""

    model: Model
    handlers: Mapping[str, Handler] = field(default_factory=dict)
    asgi_apps: Mapping[str, ASGIApp] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    clock: Clock | None = None

    def session(
        self,
        snapshot: AgentSnapshot,
        *,
        variables: Mapping[str, str],
        facts: CallFacts,
        tool_mocks: Iterable[Mapping[str, object]] = (),
        start_at: StartAt | None = None,
        model: Model | None = None,
        clock: Clock | None = None,
    ) -> Session:
        """A session running the snapshot's agent (a custom-LLM agent has no engine to run: refused)."""
        if snapshot.engine is None:
            from retell_dsl.errors import InvalidArgument

            raise InvalidArgument(
                f"the agent uses a {snapshot.engine_type} response engine; the local engine runs Retell LLMs "
                "and conversation flows only"
            )
        return Session(
            agent=snapshot.agent,
            engine=snapshot.engine,
            components=snapshot.components,
            model=model or self.model,
            tool_mocks=list(tool_mocks),
            handlers=self.handlers,
            asgi_apps=self.asgi_apps,
            variables=variables,
            facts=facts,
            clock=clock or self.clock,
            limits=self.limits,
            kb=knowledge_index(snapshot),
            start_at=start_at,
        )


def knowledge_index(snapshot: AgentSnapshot) -> KnowledgeBaseIndex | None:
    """An index of the snapshot's knowledge-base texts (``None`` when it has none)."""
    if not snapshot.knowledge_base_texts:
        return None
    index = KnowledgeBaseIndex()
    for kb_id, texts in snapshot.knowledge_base_texts.items():
        index.add(kb_id, [Source(source_id, text) for source_id, text in texts])
    return index
