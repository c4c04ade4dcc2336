"""Handlers of voice agents, chat agents and agent versions (publish, branch, list, delete)."""

from __future__ import annotations

from typing import TypedDict

from retell.types import (
    agent_create_params,
    agent_create_version_params,
    agent_list_params,
    agent_publish_params,
    agent_update_params,
    chat_agent_create_params,
    chat_agent_update_params,
)

from retell_dsl.emulator.body import json_body, query_int, query_str
from retell_dsl.emulator.domain import agents, versions
from retell_dsl.emulator.domain.versions import MAX_VERSION, checked_version, render_agent, resolve_agent_version
from retell_dsl.emulator.errors import bad_request, not_found
from retell_dsl.emulator.handlers._listing import paged
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State

__all__ = [
    "create_agent",
    "create_agent_version",
    "create_chat_agent",
    "delete_agent",
    "delete_agent_version",
    "delete_chat_agent",
    "get_agent",
    "get_chat_agent",
    "legacy_publish_agent",
    "list_agent_versions",
    "list_agents",
    "publish_agent_version",
    "update_agent",
    "update_chat_agent",
]


def create_agent(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-agent``."""
    doc = agents.create_agent(state, "voice", json_body(req, agent_create_params.AgentCreateParams))
    return json_response(201, render_agent(doc))


def create_chat_agent(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-chat-agent``."""
    doc = agents.create_agent(state, "chat", json_body(req, chat_agent_create_params.ChatAgentCreateParams))
    return json_response(201, render_agent(doc))


def _get(state: State, req: EmuRequest, agent_id: str, channel: str) -> EmuResponse:
    return json_response(200, render_agent(resolve_agent_version(state, agent_id, query_str(req, "version"), channel)))


def get_agent(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-agent/{agent_id}[?version=]`` (a number, a tag, ``latest`` or ``latest_published``)."""
    return _get(state, req, params["agent_id"], "voice")


def get_chat_agent(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-chat-agent/{agent_id}[?version=]``."""
    return _get(state, req, params["agent_id"], "chat")


def update_agent(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /update-agent/{agent_id}[?version=]``."""
    body = json_body(req, agent_update_params.AgentUpdateParams, query_keys=("version",))
    doc = agents.update_agent(state, params["agent_id"], query_str(req, "version"), "voice", body)
    return json_response(200, render_agent(doc))


def update_chat_agent(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /update-chat-agent/{agent_id}[?version=]``."""
    body = json_body(req, chat_agent_update_params.ChatAgentUpdateParams, query_keys=("version",))
    doc = agents.update_agent(state, params["agent_id"], query_str(req, "version"), "chat", body)
    return json_response(200, render_agent(doc))


def delete_agent(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-agent/{agent_id}``."""
    agents.delete_agent(state, params["agent_id"], "voice")
    return EmuResponse(204)


def delete_chat_agent(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-chat-agent/{agent_id}``."""
    agents.delete_agent(state, params["agent_id"], "chat")
    return EmuResponse(204)


def list_agents(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /v2/list-agents`` (filters in the body, paging in the query)."""
    body = json_body(req, agent_list_params.AgentListParams, query_keys=("limit", "pagination_key", "sort_order"))
    items = agents.list_agent_items(state, body.get("filter_criteria") or {})
    return paged(state, req, "agent", items, id_of=lambda d: str(d["agent_id"]), render=lambda d: d)


def publish_agent_version(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /publish-agent-version/{agent_id}``."""
    body = json_body(req, agent_publish_params.AgentPublishParams, allow_empty=False)
    doc = resolve_agent_version(state, params["agent_id"], checked_version(body["version"], "version"), None)
    versions.publish_agent_version(state, doc, body)
    return EmuResponse(200)


class _NoBody(TypedDict):
    """The legacy publish endpoint takes no body: an empty object (or nothing) is all it accepts."""


def legacy_publish_agent(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /publish-agent/{agent_id}``: publish the latest version, then open draft ``version + 1``."""
    json_body(req, _NoBody)
    latest = resolve_agent_version(state, params["agent_id"], None, None)
    if not latest.get("_published"):
        versions.publish_agent_version(state, latest, {})
    versions.new_agent_draft(state, latest)
    return EmuResponse(200)


def create_agent_version(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-agent-version/{agent_id}``: branch a draft from ``base_version``."""
    body = json_body(req, agent_create_version_params.AgentCreateVersionParams, allow_empty=False)
    base_version = checked_version(body["base_version"], "base_version")
    base = resolve_agent_version(state, params["agent_id"], base_version, None)
    return json_response(201, render_agent(versions.new_agent_draft(state, base)))


def list_agent_versions(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /list-agent-versions/{agent_id}``: the cursor is a version number."""
    agent_id = params["agent_id"]
    stored = state.store.versions("agent", agent_id)
    if not stored:
        raise not_found("agent", agent_id)
    key = query_str(req, "pagination_key")
    pairs = [(d["version"], d) for d in stored]
    if key:
        if not key.isdigit():
            raise bad_request(f"Invalid pagination_key {key!r}")
        cursor = int(key)
        descending = (query_str(req, "sort_order") or "descending") == "descending"
        pairs = [p for p in pairs if (p[0] < cursor if descending else p[0] > cursor)]
    page = state.paginate(
        "agent_version",
        pairs,
        id_of=lambda d: str(d["version"]),
        limit=query_int(req, "limit"),
        pagination_key=None,
        sort_order=query_str(req, "sort_order"),
        render=versions.render_version_summary,
    )
    return json_response(200, page)


def delete_agent_version(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-agent-version/{agent_id}?version=``."""
    version = query_int(req, "version", minimum=0, maximum=MAX_VERSION)
    if version is None:
        raise bad_request("Query parameter version is required")
    versions.delete_agent_version(state, params["agent_id"], version)
    return EmuResponse(204)
