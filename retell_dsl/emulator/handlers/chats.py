"""Handlers of chats; the conversational ones go through the configured engine (501 without one)."""

from __future__ import annotations

from retell.types import (
    chat_create_chat_completion_params,
    chat_create_params,
    chat_create_sms_chat_params,
    chat_list_params,
    chat_update_params,
)

from retell_dsl.emulator.body import json_body
from retell_dsl.emulator.domain import chats, conversation, sms_chats
from retell_dsl.emulator.domain.call_filters import CHAT_FILTERS, page_in_body
from retell_dsl.emulator.engine_port import ChatAnalyzer, ChatOpener, no_engine
from retell_dsl.emulator.errors import not_found, not_implemented
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State

__all__ = [
    "create_chat",
    "create_chat_completion",
    "create_sms_chat",
    "delete_chat",
    "end_chat",
    "get_chat",
    "list_chats",
    "rerun_chat_analysis",
    "update_chat",
]


def create_chat(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-chat``."""
    body = json_body(req, chat_create_params.ChatCreateParams, allow_empty=False)
    return json_response(201, chats.render_chat(chats.create_chat(state, body)))


def get_chat(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-chat/{chat_id}``."""
    return json_response(200, chats.render_chat(state.require("chat", params["chat_id"])))


def update_chat(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /update-chat/{chat_id}``."""
    body = json_body(req, chat_update_params.ChatUpdateParams)
    return json_response(200, chats.render_chat(chats.update_chat(state, params["chat_id"], body)))


def list_chats(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /v3/list-chats``."""
    body = json_body(req, chat_list_params.ChatListParams)
    page = page_in_body(state, "chat", body, CHAT_FILTERS, id_field="chat_id", render=chats.render_chat)
    return json_response(200, page)


def end_chat(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /end-chat/{chat_id}``."""
    chats.end_chat(state, params["chat_id"])
    if state.engine is not None:
        conversation.analyze_chat(state, state.engine, params["chat_id"])
    return EmuResponse(204)


def delete_chat(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-chat/{chat_id}``."""
    chats.delete_chat(state, params["chat_id"])
    return EmuResponse(204)


def create_chat_completion(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-chat-completion``: the user's message in, the agent's messages of this turn out."""
    body = json_body(req, chat_create_chat_completion_params.ChatCreateChatCompletionParams, allow_empty=False)
    if state.store.get("chat", body["chat_id"]) is None:
        raise not_found("chat", body["chat_id"])
    if state.engine is None:
        raise no_engine(req.method, req.path, "generating the agent's reply")
    messages = conversation.chat_completion(state, state.engine, body["chat_id"], str(body["content"]))
    return json_response(200, {"messages": messages})


def rerun_chat_analysis(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PUT /rerun-chat-analysis/{chat_id}``."""
    state.require("chat", params["chat_id"])
    if state.engine is None:
        raise no_engine(req.method, req.path, "post-chat analysis")
    if not isinstance(state.engine, ChatAnalyzer):
        raise not_implemented(req.method, req.path, "the configured engine does not analyse chats (ChatAnalyzer)")
    return json_response(200, chats.render_chat(conversation.analyze_chat(state, state.engine, params["chat_id"])))


def create_sms_chat(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-sms-chat``: an outbound ``sms_chat`` whose agent's opening message the engine writes.

    What is not emulated (delivery, replies by SMS, DNC lists) is listed in ``domain.sms_chats``.
    """
    body = json_body(req, chat_create_sms_chat_params.ChatCreateSMSChatParams, allow_empty=False)
    if state.engine is None:
        raise no_engine(req.method, req.path, "an SMS conversation (the agent's opening message)")
    if not isinstance(state.engine, ChatOpener):
        raise not_implemented(req.method, req.path, "the configured engine does not open chats (ChatOpener)")
    return json_response(200, chats.render_chat(sms_chats.create_sms_chat(state, state.engine, body)))
