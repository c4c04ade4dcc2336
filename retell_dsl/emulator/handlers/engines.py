"""Handlers of Retell LLMs and conversation flows (one set of functions per engine kind)."""

from __future__ import annotations

from retell_dsl.emulator.body import json_body, query_bool, query_int
from retell_dsl.emulator.domain import engines
from retell_dsl.emulator.domain.versions import FLOW, LLM, MAX_VERSION, EngineKind, render_engine
from retell_dsl.emulator.handlers._listing import paged
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State

__all__ = [
    "create_conversation_flow",
    "create_retell_llm",
    "delete_conversation_flow",
    "delete_retell_llm",
    "get_conversation_flow",
    "get_retell_llm",
    "list_conversation_flows",
    "list_retell_llms",
    "update_conversation_flow",
    "update_retell_llm",
]


def _version(req: EmuRequest) -> int | None:
    return query_int(req, "version", minimum=0, maximum=MAX_VERSION)


def _create(ek: EngineKind, state: State, req: EmuRequest) -> EmuResponse:
    doc = engines.create_engine(state, ek, json_body(req, ek.create_schema))
    return json_response(201, render_engine(ek, doc))


def _get(ek: EngineKind, state: State, req: EmuRequest, ident: str) -> EmuResponse:
    return json_response(200, render_engine(ek, engines.get_engine(state, ek, ident, _version(req))))


def _update(ek: EngineKind, state: State, req: EmuRequest, ident: str) -> EmuResponse:
    version = _version(req)
    body = json_body(req, ek.update_schema, query_keys=("version",))
    return json_response(200, render_engine(ek, engines.update_engine(state, ek, ident, version, body)))


def _list(ek: EngineKind, state: State, req: EmuRequest) -> EmuResponse:
    return paged(
        state,
        req,
        ek.kind,
        state.store.list_latest(ek.kind),
        id_of=lambda d: str(d[ek.id_field]),
        render=lambda d: render_engine(ek, d),
    )


def _delete(ek: EngineKind, state: State, req: EmuRequest, ident: str) -> EmuResponse:
    engines.delete_engine(state, ek, ident, force=query_bool(req, "force_delete") or False)
    return EmuResponse(204)


def create_retell_llm(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-retell-llm``."""
    return _create(LLM, state, req)


def get_retell_llm(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-retell-llm/{id}[?version=]``."""
    return _get(LLM, state, req, params["id"])


def update_retell_llm(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /update-retell-llm/{id}[?version=]``."""
    return _update(LLM, state, req, params["id"])


def list_retell_llms(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /v2/list-retell-llms``."""
    return _list(LLM, state, req)


def delete_retell_llm(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-retell-llm/{id}[?force_delete=]``."""
    return _delete(LLM, state, req, params["id"])


def create_conversation_flow(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-conversation-flow``."""
    return _create(FLOW, state, req)


def get_conversation_flow(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-conversation-flow/{id}[?version=]``."""
    return _get(FLOW, state, req, params["id"])


def update_conversation_flow(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /update-conversation-flow/{id}[?version=]``."""
    return _update(FLOW, state, req, params["id"])


def list_conversation_flows(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /v2/list-conversation-flows``."""
    return _list(FLOW, state, req)


def delete_conversation_flow(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-conversation-flow/{id}[?force_delete=]``."""
    return _delete(FLOW, state, req, params["id"])
