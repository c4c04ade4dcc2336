"""Handlers of shared conversation-flow components."""

from __future__ import annotations

from retell.types import conversation_flow_component_create_params, conversation_flow_component_update_params

from retell_dsl.emulator.body import json_body
from retell_dsl.emulator.domain import components
from retell_dsl.emulator.domain.components import ID_FIELD, KIND, render_component
from retell_dsl.emulator.handlers._listing import paged
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State

__all__ = [
    "create_conversation_flow_component",
    "delete_conversation_flow_component",
    "get_conversation_flow_component",
    "list_conversation_flow_components",
    "update_conversation_flow_component",
]


def create_conversation_flow_component(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-conversation-flow-component``."""
    body = json_body(req, conversation_flow_component_create_params.ConversationFlowComponentCreateParams)
    return json_response(201, render_component(state, components.create_component(state, body)))


def get_conversation_flow_component(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-conversation-flow-component/{id}``."""
    return json_response(200, render_component(state, state.require(KIND, params["id"])))


def update_conversation_flow_component(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /update-conversation-flow-component/{id}``."""
    state.require(KIND, params["id"])
    body = json_body(req, conversation_flow_component_update_params.ConversationFlowComponentUpdateParams)
    return json_response(200, render_component(state, components.update_component(state, params["id"], body)))


def list_conversation_flow_components(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /v2/list-conversation-flow-components``."""
    items = state.store.list_latest(KIND)
    return paged(state, req, KIND, items, id_of=lambda d: str(d[ID_FIELD]), render=lambda d: render_component(state, d))


def delete_conversation_flow_component(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-conversation-flow-component/{id}``."""
    components.delete_component(state, params["id"])
    return EmuResponse(204)
