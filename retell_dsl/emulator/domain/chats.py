"""Chats with chat agents: create, update, end, delete, and the message record (retell-api.md §1.9).

A chat keeps its messages (``message_with_tool_calls``) and plain ``transcript``; what the
agent says is produced by the conversation engine (see
:mod:`retell_dsl.emulator.domain.conversation`) and appended here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from retell_dsl.emulator.domain.calls import check_metadata, fail_on, merge_metadata_and_storage
from retell_dsl.emulator.domain.lifecycle import render_transcript
from retell_dsl.emulator.domain.versions import resolve_agent_version
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = [
    "append_messages",
    "chat_agent",
    "create_chat",
    "delete_chat",
    "end_chat",
    "ongoing_chat",
    "render_chat",
    "update_chat",
]

#: Chat ``data_storage_setting`` values from loosest to strictest; updates may only tighten.
_STRICTNESS = ("everything", "basic_attributes_only")


def render_chat(doc: Document) -> Document:
    """The public chat object."""
    return strip_private(doc)


def chat_agent(state: State, agent_id: str, version: str | int | None) -> Document:
    """A chat agent's version; a voice agent is refused with a hint."""
    latest = state.store.get("agent", agent_id)
    if latest is not None and latest.get("_channel") != "chat":
        raise bad_request(f"Agent {agent_id} is a voice agent; chats need a chat agent (create-chat-agent)")
    return resolve_agent_version(state, agent_id, version, "chat")


def create_chat(state: State, params: Mapping[str, Any]) -> Document:
    """An ``ongoing`` chat with a chat agent version."""
    fail_on(check_metadata(params.get("metadata")))
    agent = chat_agent(state, params["agent_id"], params.get("agent_version"))
    chat_id = state.new_id("chat")
    now = state.now()
    doc: Document = {
        "chat_id": chat_id,
        "agent_id": agent["agent_id"],
        "version": int(agent["version"]),
        "chat_status": "ongoing",
        "chat_type": "api_chat",
        "start_timestamp": now,
        "transcript": "",
        "message_with_tool_calls": [],
        "_created_at": now,
        "_data_storage_setting": agent.get("data_storage_setting") or "everything",
    }
    tags = list(agent.get("_tags") or [])
    requested = params.get("agent_version")
    if tags:
        doc["agent_tag"] = requested if isinstance(requested, str) and requested in tags else tags[0]
    for key in ("metadata", "retell_llm_dynamic_variables"):
        if params.get(key) is not None:
            doc[key] = params[key]
    state.store.put("chat", chat_id, doc)
    return doc


def update_chat(state: State, chat_id: str, changes: Mapping[str, Any]) -> Document:
    """Metadata merges, storage only tightens, dynamic variables and custom attributes merge."""
    doc = state.require("chat", chat_id)
    fail_on(merge_metadata_and_storage(doc, changes, storage_key="_data_storage_setting", strictness=_STRICTNESS))
    if changes.get("override_dynamic_variables"):
        doc["retell_llm_dynamic_variables"] = {
            **(doc.get("retell_llm_dynamic_variables") or {}),
            **changes["override_dynamic_variables"],
        }
    if changes.get("custom_attributes"):
        doc["custom_attributes"] = {**(doc.get("custom_attributes") or {}), **changes["custom_attributes"]}
    state.store.put("chat", chat_id, doc)
    return doc


def ongoing_chat(state: State, chat_id: str) -> Document:
    """A chat that is still ``ongoing``, or a 400 naming its status."""
    doc = state.require("chat", chat_id)
    if doc.get("chat_status") != "ongoing":
        raise bad_request(f"Chat {chat_id} is already {doc.get('chat_status')}; only ongoing chats can be ended")
    return doc


def end_chat(state: State, chat_id: str, *, collected_dynamic_variables: Mapping[str, str] | None = None) -> Document:
    """End an ongoing chat (``ended``, with its end time and duration)."""
    doc = ongoing_chat(state, chat_id)
    doc.update(chat_status="ended", end_timestamp=state.now())
    doc["_duration_ms"] = doc["end_timestamp"] - int(doc["start_timestamp"])
    if collected_dynamic_variables is not None:
        doc["collected_dynamic_variables"] = dict(collected_dynamic_variables)
    state.store.put("chat", chat_id, doc)
    return doc


def delete_chat(state: State, chat_id: str) -> None:
    """Forget a chat."""
    state.require("chat", chat_id)
    state.store.delete("chat", chat_id)


def append_messages(state: State, chat_id: str, messages: Sequence[Mapping[str, Any]]) -> list[Document]:
    """Append messages to a chat, giving each a ``message_id`` and ``created_timestamp`` when missing.

    Returns the appended messages as stored; the plain ``transcript`` follows.
    """
    doc = state.require("chat", chat_id)
    history: list[Document] = list(doc.get("message_with_tool_calls") or [])
    now = state.now()
    added = []
    for message in messages:
        item = dict(message)
        item.setdefault("message_id", f"message_{len(history) + 1}")
        item.setdefault("created_timestamp", now)
        history.append(item)
        added.append(item)
    doc["message_with_tool_calls"] = history
    doc["transcript"] = render_transcript(history)
    state.store.put("chat", chat_id, doc)
    return added
