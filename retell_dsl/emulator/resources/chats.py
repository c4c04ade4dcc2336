"""Chats with chat agents: create, get, update, list, end, delete (retell-api.md §1.9).

The chat object's lifecycle lives here; its conversation (chat completions, SMS chats,
analysis) needs the simulation engine, so those endpoints answer 501 saying so.
"""

from __future__ import annotations

from retell.types import chat_create_chat_completion_params, chat_create_params, chat_list_params, chat_update_params

from retell_dsl.emulator.body import json_body
from retell_dsl.emulator.errors import bad_request, not_found, not_implemented
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.resources.agents import resolve_agent_version
from retell_dsl.emulator.resources.call_filters import CHAT_FILTERS, page_in_body
from retell_dsl.emulator.resources.calls import check_metadata, merge_metadata_and_storage
from retell_dsl.emulator.router import Router
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = ["register", "render_chat"]

#: Chat ``data_storage_setting`` values from loosest to strictest; updates may only tighten.
_STRICTNESS = ("everything", "basic_attributes_only")
_ENGINE = "needs the simulation engine, which is not part of the emulator yet"


def render_chat(doc: Document) -> Document:
    return strip_private(doc)


def _chat_agent(state: State, agent_id: str, version: str | int | None) -> Document:
    latest = state.store.get("agent", agent_id)
    if latest is not None and latest.get("_channel") != "chat":
        raise bad_request(f"Agent {agent_id} is a voice agent; chats need a chat agent (create-chat-agent)")
    return resolve_agent_version(state, agent_id, version, "chat")


def _create(state: State, req: EmuRequest) -> EmuResponse:
    body = json_body(req, chat_create_params.ChatCreateParams, allow_empty=False)
    problems = check_metadata(body.get("metadata"))
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)
    agent = _chat_agent(state, body["agent_id"], body.get("agent_version"))
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
    requested = body.get("agent_version")
    if tags:
        doc["agent_tag"] = requested if isinstance(requested, str) and requested in tags else tags[0]
    for key in ("metadata", "retell_llm_dynamic_variables"):
        if body.get(key) is not None:
            doc[key] = body[key]
    state.store.put("chat", chat_id, doc)
    return json_response(201, render_chat(doc))


def _get(state: State, chat_id: str) -> EmuResponse:
    return json_response(200, render_chat(state.require("chat", chat_id)))


def _update(state: State, req: EmuRequest, chat_id: str) -> EmuResponse:
    body = json_body(req, chat_update_params.ChatUpdateParams)
    doc = state.require("chat", chat_id)
    problems = merge_metadata_and_storage(doc, body, storage_key="_data_storage_setting", strictness=_STRICTNESS)
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)
    if body.get("override_dynamic_variables"):
        doc["retell_llm_dynamic_variables"] = {
            **(doc.get("retell_llm_dynamic_variables") or {}),
            **body["override_dynamic_variables"],
        }
    if body.get("custom_attributes"):
        doc["custom_attributes"] = {**(doc.get("custom_attributes") or {}), **body["custom_attributes"]}
    state.store.put("chat", chat_id, doc)
    return json_response(200, render_chat(doc))


def _list(state: State, req: EmuRequest) -> EmuResponse:
    body = json_body(req, chat_list_params.ChatListParams)
    return json_response(200, page_in_body(state, "chat", body, CHAT_FILTERS, id_field="chat_id", render=render_chat))


def _end(state: State, chat_id: str) -> EmuResponse:
    doc = state.require("chat", chat_id)
    if doc.get("chat_status") != "ongoing":
        raise bad_request(f"Chat {chat_id} is already {doc.get('chat_status')}; only ongoing chats can be ended")
    doc.update(chat_status="ended", end_timestamp=state.now())
    doc["_duration_ms"] = doc["end_timestamp"] - int(doc["start_timestamp"])
    state.store.put("chat", chat_id, doc)
    return EmuResponse(204)


def _delete(state: State, chat_id: str) -> EmuResponse:
    state.require("chat", chat_id)
    state.store.delete("chat", chat_id)
    return EmuResponse(204)


def _completion(state: State, req: EmuRequest) -> EmuResponse:
    body = json_body(req, chat_create_chat_completion_params.ChatCreateChatCompletionParams, allow_empty=False)
    doc = state.store.get("chat", body["chat_id"])
    if doc is None:
        raise not_found("chat", body["chat_id"])
    raise not_implemented(req.method, req.path, f"generating the agent's reply {_ENGINE}")


def _rerun_analysis(state: State, req: EmuRequest, chat_id: str) -> EmuResponse:
    state.require("chat", chat_id)
    raise not_implemented(req.method, req.path, f"post-chat analysis {_ENGINE}")


def _sms_chat(req: EmuRequest) -> EmuResponse:
    raise not_implemented(req.method, req.path, f"an SMS conversation {_ENGINE}")


def register(router: Router) -> None:
    router.add("POST", "/create-chat")(lambda s, r, p: _create(s, r))
    router.add("GET", "/get-chat/{chat_id}")(lambda s, r, p: _get(s, p["chat_id"]))
    router.add("PATCH", "/update-chat/{chat_id}")(lambda s, r, p: _update(s, r, p["chat_id"]))
    router.add("POST", "/v3/list-chats")(lambda s, r, p: _list(s, r))
    router.add("PATCH", "/end-chat/{chat_id}")(lambda s, r, p: _end(s, p["chat_id"]))
    router.add("DELETE", "/delete-chat/{chat_id}")(lambda s, r, p: _delete(s, p["chat_id"]))
    router.add("POST", "/create-chat-completion")(lambda s, r, p: _completion(s, r))
    router.add("PUT", "/rerun-chat-analysis/{chat_id}")(lambda s, r, p: _rerun_analysis(s, r, p["chat_id"]))
    router.add("POST", "/create-sms-chat")(lambda s, r, p: _sms_chat(r))
