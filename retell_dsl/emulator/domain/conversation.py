"""Conversations through the configured engine: chat completions, playground turns, batch tests.

These operations build an :class:`~retell_dsl.emulator.engine_port.AgentSnapshot` (wire
JSON of the agent, its engine version, shared components and knowledge-base texts), ask
the engine, and record what it answered: chat messages on the chat, test runs and the
batch test's counts in the store. The engine is passed in; callers decide what happens
without one (the handlers answer 501 via :func:`~retell_dsl.emulator.engine_port.no_engine`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from retell_dsl.emulator.domain.calls import agent_config
from retell_dsl.emulator.domain.chats import append_messages, end_chat
from retell_dsl.emulator.domain.components import shared_component_ids
from retell_dsl.emulator.domain.knowledge_bases import source_texts
from retell_dsl.emulator.domain.versions import merge_update, render_agent, render_engine, resolve_engine
from retell_dsl.emulator.domain.webhooks import emit
from retell_dsl.emulator.engine_port import AgentSnapshot, CallAnalyzer, ChatAnalyzer, ChatTurn, ConversationEngine
from retell_dsl.emulator.errors import bad_request, conflict
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = [
    "analyze_call",
    "analyze_chat",
    "call_snapshot",
    "chat_completion",
    "chat_snapshot",
    "engine_snapshot",
    "playground_completion",
    "record_turn",
    "run_batch_test",
]

_TEST_STATUSES = ("pass", "fail", "error")


def _knowledge_base_ids(*docs: Mapping[str, Any] | None) -> list[str]:
    ids: list[str] = []
    for doc in docs:
        if not doc:
            continue
        ids += [str(i) for i in doc.get("knowledge_base_ids") or []]
        for node in doc.get("nodes") or []:
            if isinstance(node, Mapping):
                ids += [str(i) for i in node.get("knowledge_base_ids") or []]
    return list(dict.fromkeys(ids))


def engine_snapshot(
    state: State, agent: Mapping[str, Any], engine_override: Mapping[str, Any] | None = None
) -> AgentSnapshot:
    """The snapshot of an agent configuration (wire JSON): its engine version, components and KB texts."""
    response_engine = dict(agent.get("response_engine") or {})
    resolved = resolve_engine(state, response_engine)
    engine: Document | None = None
    if resolved is not None:
        ek, doc = resolved
        engine = render_engine(ek, doc)
        key = "retell_llm" if ek.engine_type == "retell-llm" else "conversation_flow"
        if engine_override and isinstance(engine_override.get(key), Mapping):
            engine = merge_update(engine, dict(engine_override[key]))
    components: dict[str, Mapping[str, Any]] = {}
    for ident in shared_component_ids(engine or {}):
        component = state.store.get("component", ident)
        if component is not None:
            components[ident] = strip_private(component)
    kb_texts: dict[str, list[tuple[str, str]]] = {}
    for kb_id in _knowledge_base_ids(engine, *components.values()):
        kb = state.store.get("knowledge_base", kb_id)
        if kb is not None:
            now = state.now()
            kb_texts[kb_id] = [(sid, text) for sid, text in source_texts(kb) if _ready(kb, sid, now)]
    return AgentSnapshot(
        agent=dict(agent),
        engine_type=str(response_engine.get("type") or "custom-llm"),
        engine=engine,
        components=components,
        knowledge_base_texts=kb_texts,
    )


def _ready(kb: Document, source_id: str, now: int) -> bool:
    """Retrieval sees a source only once processing is done (on the emulator clock)."""
    return any(s["source_id"] == source_id and s["_ready_at"] <= now for s in kb.get("_sources", []))


def call_snapshot(state: State, call: Document) -> AgentSnapshot:
    """The snapshot a call runs with: its agent version with the call's ``agent_override`` applied."""
    config = call.get("_agent_config")
    if not isinstance(config, Mapping):
        agent = state.require("agent", str(call["agent_id"]), int(call["agent_version"]))
        config, _ = agent_config(state, agent, call.get("_agent_override"))
    return engine_snapshot(state, config, call.get("_engine_override"))


def chat_snapshot(state: State, chat: Mapping[str, Any]) -> AgentSnapshot:
    """The snapshot a chat runs with: its agent version, keyed by the chat's id."""
    agent = state.require("agent", str(chat["agent_id"]), int(chat["version"]))
    snapshot = engine_snapshot(state, render_agent(agent))
    facts: dict[str, Any] = {"chat_type": chat.get("chat_type") or "api_chat"}
    if chat.get("metadata") is not None:
        facts["metadata"] = chat["metadata"]
    for key in ("from_number", "to_number", "direction"):
        if chat.get(f"_{key}") is not None:
            facts[key] = chat[f"_{key}"]
    return dataclasses.replace(snapshot, conversation_id=str(chat["chat_id"]), conversation=facts)


def chat_completion(state: State, engine: ConversationEngine, chat_id: str, content: str) -> list[Document]:
    """The user says ``content`` in an ongoing chat; the engine answers. Returns the messages of this turn.

    The user's message and the agent's are appended to the chat; when the engine ends
    the chat it becomes ``ended`` with the collected dynamic variables (and its analysis).
    When the engine's messages include a ``user`` message (a chat the agent opens answers
    its first completion with its greeting *before* the user's words), the user's message
    is stored at that place and left out of the returned messages; otherwise it goes first.
    """
    chat = state.require("chat", chat_id)
    if chat.get("chat_status") != "ongoing":
        raise bad_request(f"Chat {chat_id} is {chat.get('chat_status')}; only ongoing chats take messages")
    stored = list(chat.get("message_with_tool_calls") or [])
    user: Document = {"role": "user", "content": content}
    history = [*stored, user]
    variables = dict(chat.get("retell_llm_dynamic_variables") or {})
    snapshot = chat_snapshot(state, chat)
    with state.store.released():  # the engine may take seconds (tools, models); others go on meanwhile
        turn = engine.chat_completion(snapshot, history, variables)
    if not isinstance(turn, ChatTurn):
        raise TypeError(f"ConversationEngine.chat_completion must return a ChatTurn, got {type(turn).__name__}")
    now = state.require("chat", chat_id)
    if now.get("chat_status") != "ongoing" or len(now.get("message_with_tool_calls") or []) != len(stored):
        raise conflict(
            f"Chat {chat_id} changed while the agent was answering (another completion or end-chat); "
            "send one completion at a time and retry this one"
        )
    produced = [dict(m) for m in turn.messages]
    placed = next((i for i, m in enumerate(produced) if m.get("role") == "user"), None)
    if placed is None:
        added = append_messages(state, chat_id, [user, *produced])[1:]
    else:
        added = append_messages(state, chat_id, produced)
        added = added[:placed] + added[placed + 1 :]
    record_turn(state, chat_id, turn)
    return added


def record_turn(state: State, chat_id: str, turn: ChatTurn) -> None:
    """Store a turn's ``chat_cost``; when the engine ended the chat, end it with its variables and analysis."""
    if turn.chat_cost is not None:
        doc = state.require("chat", chat_id)
        doc["chat_cost"] = dict(turn.chat_cost)
        state.store.put("chat", chat_id, doc)
    if turn.ended:
        doc = end_chat(state, chat_id, collected_dynamic_variables=turn.collected_dynamic_variables)
        if turn.chat_analysis is not None:
            doc["chat_analysis"] = dict(turn.chat_analysis)
            state.store.put("chat", chat_id, doc)


def analyze_chat(state: State, engine: ConversationEngine, chat_id: str) -> Document:
    """Store the engine's ``chat_analysis`` of a chat when the engine can analyse (:class:`ChatAnalyzer`)."""
    chat = state.require("chat", chat_id)
    if not isinstance(engine, ChatAnalyzer):
        return chat
    snapshot, messages = chat_snapshot(state, chat), list(chat.get("message_with_tool_calls") or [])
    with state.store.released():
        analysis = engine.analyze_chat(snapshot, messages)
    chat = state.require("chat", chat_id)
    if analysis is not None:
        chat["chat_analysis"] = dict(analysis)
        state.store.put("chat", chat_id, chat)
    return chat


def analyze_call(state: State, engine: CallAnalyzer, call_id: str) -> Document:
    """Re-run an ended call's analysis through the engine; store it and post ``call_analyzed`` again.

    An engine that cannot analyse (no model) answers ``None``: the call keeps the analysis it had.
    """
    doc = state.require("call", call_id)
    snapshot, call = call_snapshot(state, doc), strip_private(doc)
    with state.store.released():
        analysis = engine.analyze_call(snapshot, call)
    doc = state.require("call", call_id)
    if analysis is not None:
        doc["call_analysis"] = dict(analysis)
        state.store.put("call", call_id, doc)
        emit(state, "call_analyzed", doc)
    return doc


def playground_completion(
    state: State, engine: ConversationEngine, agent: Document, params: Mapping[str, Any]
) -> dict[str, Any]:
    """One stateless playground turn for an agent version; nothing is stored."""
    snapshot = engine_snapshot(state, render_agent(agent))
    with state.store.released():
        result = engine.playground_completion(
            snapshot,
            [dict(m) for m in params["messages"]],
            dynamic_variables=dict(params.get("dynamic_variables") or {}),
            current_node_id=params.get("current_node_id"),
            component_id=params.get("component_id"),
            current_state=params.get("current_state"),
            tool_mocks=[dict(m) for m in params.get("tool_mocks") or []],
        )
    return dict(result)


def run_batch_test(
    state: State, engine: ConversationEngine, response_engine: Mapping[str, Any], definition_ids: Sequence[str]
) -> Document:
    """Run each definition once through the engine; store the runs and the batch test (``complete``)."""
    definitions = [state.require("test_case_definition", ident) for ident in definition_ids]
    snapshot = engine_snapshot(state, {"response_engine": dict(response_engine)})
    batch_id = state.new_id("batch_test")
    now = state.now()
    counts = dict.fromkeys(_TEST_STATUSES, 0)
    with state.store.released():  # every run through the engine first: the writes below stay one transaction
        outcomes = [engine.run_test_case(snapshot, strip_private(definition)) for definition in definitions]
    for definition, outcome in zip(definitions, outcomes, strict=True):
        if outcome.status not in _TEST_STATUSES:
            raise ValueError(f"a test outcome's status must be pass, fail or error, got {outcome.status!r}")
        counts[outcome.status] += 1
        run_id = state.new_id("test_run")
        run: Document = {
            "test_case_job_id": run_id,
            "test_case_definition_id": definition["test_case_definition_id"],
            "test_case_definition_snapshot": strip_private(definition),
            "status": outcome.status,
            "result_explanation": outcome.result_explanation,
            "transcript_snapshot": [dict(m) for m in outcome.transcript],
            "creation_timestamp": now,
            "user_modified_timestamp": state.now(),
            "_batch_test_id": batch_id,
        }
        state.store.put("test_run", run_id, run)
    batch: Document = {
        "test_case_batch_job_id": batch_id,
        "response_engine": dict(response_engine),
        "status": "complete",
        "pass_count": counts["pass"],
        "fail_count": counts["fail"],
        "error_count": counts["error"],
        "total_count": len(definitions),
        "creation_timestamp": now,
        "user_modified_timestamp": state.now(),
    }
    state.store.put("batch_test", batch_id, batch)
    return batch
