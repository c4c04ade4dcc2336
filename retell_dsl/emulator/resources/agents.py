"""Voice and chat agents and their versions (retell-api.md §1.2, §1.9, §2.3, §12.1-3).

Both channels live in one table (``kind="agent"``) because list-agents and the
version endpoints serve both; ``_channel`` tells them apart.
"""

from __future__ import annotations

import copy
from typing import Any, TypedDict

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
from retell_dsl.emulator.errors import ApiError, bad_request, not_found
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.resources._listing import paged
from retell_dsl.emulator.resources.checks import AGENT_RANGES, check_ranges
from retell_dsl.emulator.resources.engines import branch_engine, merge_update, publish_engine, resolve_engine
from retell_dsl.emulator.resources.voices import voice_exists
from retell_dsl.emulator.router import Router
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = ["register", "render_agent", "resolve_agent_version"]

_SCHEMAS = {
    "voice": (agent_create_params.AgentCreateParams, agent_update_params.AgentUpdateParams),
    "chat": (chat_agent_create_params.ChatAgentCreateParams, chat_agent_update_params.ChatAgentUpdateParams),
}


def render_agent(doc: Document) -> Document:
    out = strip_private(doc)
    out["is_published"] = bool(doc.get("_published"))
    out["assigned_tags"] = sorted(doc.get("_tags", []))
    return out


def _kind_label(channel: str) -> str:
    return "agent" if channel == "voice" else "chat_agent"


def resolve_agent_version(state: State, agent_id: str, version: str | int | None, channel: str | None) -> Document:
    """Resolve ``version`` (int, tag name, ``latest``, ``latest_published``, None) to one stored version."""
    versions = state.store.versions("agent", agent_id)
    if not versions or (channel is not None and versions[0].get("_channel") != channel):
        raise not_found(_kind_label(channel or "voice"), agent_id)
    if version is None or version == "latest":
        return versions[-1]
    if isinstance(version, int) or (isinstance(version, str) and version.isdigit()):
        wanted = int(version)
        for doc in versions:
            if doc["version"] == wanted:
                return doc
        raise not_found("agent_version", f"{agent_id} version {wanted}")
    if version == "latest_published":
        published = [d for d in versions if d.get("_published")]
        if not published:
            raise not_found("agent_version", f"{agent_id} has no published version")
        return published[-1]
    tagged = [d for d in versions if version in d.get("_tags", [])]
    return tagged[-1] if tagged else versions[-1]  # an existing-but-unassigned tag resolves to latest


def _validate(state: State, doc: Document) -> None:
    problems = check_ranges(doc, AGENT_RANGES)
    engine = doc.get("response_engine") or {}
    try:
        resolve_engine(state, engine)
    except ApiError as err:
        problems.append(err.message)
    if doc.get("_channel") == "voice":
        if not voice_exists(state, str(doc.get("voice_id"))):
            problems.append(f"voice_id {doc.get('voice_id')!r} is not a known voice (see list-voices)")
        for i, fallback in enumerate(doc.get("fallback_voice_ids") or []):
            if not voice_exists(state, str(fallback)):
                problems.append(f"fallback_voice_ids[{i}] {fallback!r} is not a known voice")
        if doc.get("stt_mode") == "custom" and not doc.get("custom_stt_config"):
            problems.append("custom_stt_config is required when stt_mode is 'custom'")
    for i, item in enumerate(doc.get("post_call_analysis_data") or doc.get("post_chat_analysis_data") or []):
        if item.get("type") == "enum" and not item.get("choices"):
            problems.append(f"post_call_analysis_data[{i}].choices must not be empty")
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)


def _create(state: State, req: EmuRequest, channel: str) -> EmuResponse:
    body = json_body(req, _SCHEMAS[channel][0])
    agent_id = state.new_id("agent")
    doc: Document = {
        **body,
        "agent_id": agent_id,
        "version": 0,
        "base_version": None,
        "last_modification_timestamp": state.now(),
        "_channel": channel,
        "_published": False,
        "_tags": [],
    }
    _validate(state, doc)
    state.store.put("agent", agent_id, doc, 0)
    return json_response(201, render_agent(doc))


def _get(state: State, req: EmuRequest, agent_id: str, channel: str) -> EmuResponse:
    return json_response(200, render_agent(resolve_agent_version(state, agent_id, query_str(req, "version"), channel)))


def _update(state: State, req: EmuRequest, agent_id: str, channel: str) -> EmuResponse:
    body = json_body(req, _SCHEMAS[channel][1], query_keys=("version",))
    doc = resolve_agent_version(state, agent_id, query_str(req, "version"), channel)
    if doc.get("_published"):
        raise bad_request(
            f"Version {doc['version']} of agent {agent_id} is published and cannot be changed; "
            "create a new draft with create-agent-version and update that"
        )
    merged = merge_update(doc, body)
    merged["last_modification_timestamp"] = state.now()
    _validate(state, merged)
    state.store.put("agent", agent_id, merged, doc["version"])
    return json_response(200, render_agent(merged))


def _delete(state: State, agent_id: str, channel: str) -> EmuResponse:
    resolve_agent_version(state, agent_id, None, channel)
    state.store.delete("agent", agent_id)
    return EmuResponse(204)


def _summary(doc: Document) -> Document:
    tags: dict[str, Any] = {}
    return {
        "agent_id": doc["agent_id"],
        "agent_name": doc.get("agent_name") or "",  # required string in summaries, even when unnamed
        "channel": doc["_channel"],
        "is_suspended": False,
        "is_transfer_agent": bool(doc.get("is_transfer_agent", False)),
        "tags": tags,
        "user_modified_timestamp": doc["last_modification_timestamp"],
    }


def _string_op(op: str, actual: str, expected: str) -> bool:
    return {
        "eq": actual == expected,
        "ne": actual != expected,
        "sw": actual.startswith(expected),
        "ew": actual.endswith(expected),
        "co": expected in actual,
    }.get(op, False)


def _list(state: State, req: EmuRequest) -> EmuResponse:
    body = json_body(req, agent_list_params.AgentListParams, query_keys=("limit", "pagination_key", "sort_order"))
    criteria = body.get("filter_criteria") or {}
    items = state.store.list_latest("agent")
    all_versions: dict[str, list[Document]] = {}
    for doc in state.store.list_all_versions("agent"):
        all_versions.setdefault(doc["agent_id"], []).append(doc)

    def keep(doc: Document) -> bool:
        channel = criteria.get("channel")
        if channel and not _string_op(channel["op"], doc["_channel"], channel["value"]):
            return False
        transfer = criteria.get("is_transfer_agent")
        if transfer and bool(doc.get("is_transfer_agent", False)) != transfer["value"]:
            return False
        query = criteria.get("query")
        if query:
            name = str(doc.get("agent_name") or "").lower()
            return query.lower() in name or query in doc["agent_id"]
        return True

    def render(doc: Document) -> Document:
        summary = _summary(doc)
        for version in all_versions.get(doc["agent_id"], []):
            for tag in version.get("_tags", []):
                summary["tags"][tag] = {"version": version["version"]}
        return summary

    return paged(
        state,
        req,
        "agent",
        [pair for pair in items if keep(pair[1])],
        id_of=lambda d: str(d["agent_id"]),
        render=render,
    )


def _publish(state: State, req: EmuRequest, agent_id: str) -> EmuResponse:
    body = json_body(req, agent_publish_params.AgentPublishParams, allow_empty=False)
    doc = resolve_agent_version(state, agent_id, int(body["version"]), None)
    _publish_version(state, doc, body)
    return EmuResponse(200)


def _publish_version(state: State, doc: Document, body: dict[str, Any]) -> None:
    publish_engine(state, doc.get("response_engine") or {})
    doc["_published"] = True
    for key in ("version_title", "version_description"):
        if key in body:
            doc[key] = body[key]
    state.store.put("agent", doc["agent_id"], doc, doc["version"])


def _new_draft(state: State, base: Document) -> Document:
    latest = state.store.versions("agent", base["agent_id"])[-1]
    draft = copy.deepcopy(base)
    draft.update(
        version=latest["version"] + 1,
        base_version=base["version"],
        last_modification_timestamp=state.now(),
        _published=False,
        _tags=[],
    )
    draft.pop("version_title", None)
    draft.pop("version_description", None)
    if "response_engine" in draft:
        draft["response_engine"] = branch_engine(state, draft["response_engine"])
    state.store.put("agent", draft["agent_id"], draft, draft["version"])
    return draft


def _create_version(state: State, req: EmuRequest, agent_id: str) -> EmuResponse:
    body = json_body(req, agent_create_version_params.AgentCreateVersionParams, allow_empty=False)
    base = resolve_agent_version(state, agent_id, int(body["base_version"]), None)
    return json_response(201, render_agent(_new_draft(state, base)))


class _NoBody(TypedDict):
    """The legacy publish endpoint takes no body: an empty object (or nothing) is all it accepts."""


def _legacy_publish(state: State, req: EmuRequest, agent_id: str) -> EmuResponse:
    """``POST /publish-agent/{id}``: publish the latest version, then open draft ``version + 1``."""
    json_body(req, _NoBody)
    latest = resolve_agent_version(state, agent_id, None, None)
    if not latest.get("_published"):
        _publish_version(state, latest, {})
    _new_draft(state, latest)
    return EmuResponse(200)


def _list_versions(state: State, req: EmuRequest, agent_id: str) -> EmuResponse:
    versions = state.store.versions("agent", agent_id)
    if not versions:
        raise not_found("agent", agent_id)
    key = query_str(req, "pagination_key")
    pairs = [(d["version"], d) for d in versions]
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
        render=lambda d: {
            "version": d["version"],
            "is_published": bool(d.get("_published")),
            "last_modification_timestamp": d["last_modification_timestamp"],
            "base_version": d.get("base_version"),
            "version_title": d.get("version_title"),
            "version_description": d.get("version_description"),
        },
    )
    return json_response(200, page)


def _delete_version(state: State, req: EmuRequest, agent_id: str) -> EmuResponse:
    version = query_int(req, "version", minimum=0)
    if version is None:
        raise bad_request("Query parameter version is required")
    resolve_agent_version(state, agent_id, version, None)
    if len(state.store.versions("agent", agent_id)) == 1:
        raise bad_request(f"Version {version} is the only version of agent {agent_id}; delete the agent instead")
    state.store.delete("agent", agent_id, version)
    return EmuResponse(204)


def register(router: Router) -> None:
    for channel, prefix in (("voice", "agent"), ("chat", "chat-agent")):
        _bind(router, channel, prefix)
    router.add("POST", "/v2/list-agents")(lambda s, r, p: _list(s, r))
    router.add("POST", "/publish-agent-version/{agent_id}")(lambda s, r, p: _publish(s, r, p["agent_id"]))
    router.add("POST", "/publish-agent/{agent_id}")(lambda s, r, p: _legacy_publish(s, r, p["agent_id"]))
    router.add("POST", "/create-agent-version/{agent_id}")(lambda s, r, p: _create_version(s, r, p["agent_id"]))
    router.add("GET", "/list-agent-versions/{agent_id}")(lambda s, r, p: _list_versions(s, r, p["agent_id"]))
    router.add("DELETE", "/delete-agent-version/{agent_id}")(lambda s, r, p: _delete_version(s, r, p["agent_id"]))


def _bind(router: Router, channel: str, prefix: str) -> None:
    router.add("POST", f"/create-{prefix}")(lambda s, r, p: _create(s, r, channel))
    router.add("GET", f"/get-{prefix}/{{agent_id}}")(lambda s, r, p: _get(s, r, p["agent_id"], channel))
    router.add("PATCH", f"/update-{prefix}/{{agent_id}}")(lambda s, r, p: _update(s, r, p["agent_id"], channel))
    router.add("DELETE", f"/delete-{prefix}/{{agent_id}}")(lambda s, r, p: _delete(s, p["agent_id"], channel))
