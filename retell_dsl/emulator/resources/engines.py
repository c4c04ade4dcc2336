"""Response engines: Retell LLMs and conversation flows, with versions that follow their agents.

Versions: an engine starts at version 0 (a draft). Publishing an agent version also
publishes the engine version it uses; a published engine version is immutable. When a
new agent draft is branched from a version whose engine version is published, the
engine gets a new draft (a copy, ``version = max + 1``) so the new agent draft stays
editable — the "engine versions follow the agent" rule of retell-api.md §12.3.
"""

from __future__ import annotations

import copy
from typing import Any

from retell.types import (
    conversation_flow_create_params,
    conversation_flow_update_params,
    llm_create_params,
    llm_update_params,
)

from retell_dsl.emulator.body import json_body, query_bool, query_int
from retell_dsl.emulator.errors import ApiError, bad_request
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.resources._listing import paged
from retell_dsl.emulator.resources.checks import check_flow, check_llm, require_knowledge_bases
from retell_dsl.emulator.router import Router
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = ["ENGINES", "EngineKind", "branch_engine", "publish_engine", "register", "resolve_engine"]


class EngineKind:
    def __init__(self, kind: str, engine_type: str, id_field: str, create: object, update: object) -> None:
        self.kind = kind
        self.engine_type = engine_type
        self.id_field = id_field
        self.create_schema = create
        self.update_schema = update
        self.shows_published = kind == "llm"  # flows expose no is_published field in 6.x


LLM = EngineKind("llm", "retell-llm", "llm_id", llm_create_params.LlmCreateParams, llm_update_params.LlmUpdateParams)
FLOW = EngineKind(
    "conversation_flow",
    "conversation-flow",
    "conversation_flow_id",
    conversation_flow_create_params.ConversationFlowCreateParams,
    conversation_flow_update_params.ConversationFlowUpdateParams,
)
ENGINES = {LLM.engine_type: LLM, FLOW.engine_type: FLOW}


def render_engine(ek: EngineKind, doc: Document) -> Document:
    out = strip_private(doc)
    if ek.shows_published:
        out["is_published"] = bool(doc.get("_published"))
    return out


# --------------------------------------------------------------------------- helpers used by agents


def resolve_engine(state: State, response_engine: dict[str, Any]) -> tuple[EngineKind, Document] | None:
    """The engine version an agent uses (pinned or latest); ``None`` for custom LLMs. 400 if missing."""
    ek = ENGINES.get(str(response_engine.get("type")))
    if ek is None:
        return None
    ident = str(response_engine.get(ek.id_field))
    version = response_engine.get("version")
    doc = state.store.get(ek.kind, ident, None if version is None else int(version))
    if doc is None:
        what = f"{ek.id_field} {ident}" + ("" if version is None else f" version {int(version)}")
        raise bad_request(f"response_engine refers to a missing engine: {what} does not exist")
    return ek, doc


def publish_engine(state: State, response_engine: dict[str, Any]) -> None:
    resolved = resolve_engine(state, response_engine)
    if resolved is None:
        return
    ek, doc = resolved
    if not doc.get("_published"):
        doc["_published"] = True
        state.store.put(ek.kind, doc[ek.id_field], doc, doc["version"])


def branch_engine(state: State, response_engine: dict[str, Any]) -> dict[str, Any]:
    """Give a new agent draft an editable engine version; returns the (maybe re-pinned) reference."""
    resolved = resolve_engine(state, response_engine)
    if resolved is None:
        return response_engine
    ek, doc = resolved
    if not doc.get("_published"):
        return response_engine
    ident = doc[ek.id_field]
    latest = state.store.get(ek.kind, ident)
    assert latest is not None
    if latest["version"] != doc["version"] and not latest.get("_published"):
        draft_version = latest["version"]  # a newer draft already exists: share it
    else:
        draft = copy.deepcopy(doc)
        draft_version = latest["version"] + 1
        draft.update(version=draft_version, _published=False, last_modification_timestamp=state.now())
        state.store.put(ek.kind, ident, draft, draft_version)
    if response_engine.get("version") is None:
        return response_engine
    return {**response_engine, "version": draft_version}


def agents_using(state: State, ek: EngineKind, ident: str) -> list[str]:
    users = {
        doc["agent_id"]
        for doc in state.store.list_all_versions("agent")
        if doc.get("response_engine", {}).get(ek.id_field) == ident
    }
    return sorted(users)


# --------------------------------------------------------------------------- handlers


def _validate(state: State, ek: EngineKind, doc: Document) -> None:
    problems = check_llm(doc) if ek is LLM else check_flow(state, doc)
    problems += require_knowledge_bases(state, doc.get("knowledge_base_ids"))
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)


def _create(ek: EngineKind, state: State, req: EmuRequest) -> EmuResponse:
    body = json_body(req, ek.create_schema)
    ident = state.new_id(ek.kind)
    doc: Document = {**body, ek.id_field: ident, "version": 0, "_published": False}
    doc["last_modification_timestamp"] = state.now()
    _validate(state, ek, doc)
    state.store.put(ek.kind, ident, doc, 0)
    return json_response(201, render_engine(ek, doc))


def _get(ek: EngineKind, state: State, req: EmuRequest, ident: str) -> EmuResponse:
    version = query_int(req, "version", minimum=0)
    return json_response(200, render_engine(ek, state.require(ek.kind, ident, version)))


def _update(ek: EngineKind, state: State, req: EmuRequest, ident: str) -> EmuResponse:
    version = query_int(req, "version", minimum=0)
    body = json_body(req, ek.update_schema, query_keys=("version",))
    doc = state.require(ek.kind, ident, version)
    if doc.get("_published"):
        raise bad_request(
            f"{ek.id_field} {ident} version {doc['version']} is published and cannot be changed; "
            "create a new agent version to get an editable draft"
        )
    merged = merge_update(doc, body)
    merged["last_modification_timestamp"] = state.now()
    _validate(state, ek, merged)
    state.store.put(ek.kind, ident, merged, doc["version"])
    return json_response(200, render_engine(ek, merged))


def merge_update(doc: Document, body: dict[str, Any]) -> Document:
    """Partial update: given top-level keys replace; ``model_config`` merges one level deep."""
    merged = copy.deepcopy(doc)
    for key, value in body.items():
        old = merged.get(key)
        if key == "model_config" and isinstance(old, dict) and isinstance(value, dict):
            merged[key] = {**old, **value}
        else:
            merged[key] = value
    return merged


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
    force = query_bool(req, "force_delete") or False
    state.require(ek.kind, ident)
    users = agents_using(state, ek, ident)
    if users and not force:
        shown = ", ".join(users[:5]) + (" …" if len(users) > 5 else "")
        raise ApiError(
            400,
            f"{ek.id_field} {ident} is used by agent(s) {shown}; "
            "update or delete them first, or pass force_delete=true",
        )
    state.store.delete(ek.kind, ident)
    return EmuResponse(204)


def register(router: Router) -> None:
    _bind(router, LLM, "retell-llm", "/v2/list-retell-llms")
    _bind(router, FLOW, "conversation-flow", "/v2/list-conversation-flows")


def _bind(router: Router, ek: EngineKind, noun: str, list_path: str) -> None:
    router.add("POST", f"/create-{noun}")(lambda s, r, p: _create(ek, s, r))
    router.add("GET", f"/get-{noun}/{{id}}")(lambda s, r, p: _get(ek, s, r, p["id"]))
    router.add("PATCH", f"/update-{noun}/{{id}}")(lambda s, r, p: _update(ek, s, r, p["id"]))
    router.add("GET", list_path)(lambda s, r, p: _list(ek, s, r))
    router.add("DELETE", f"/delete-{noun}/{{id}}")(lambda s, r, p: _delete(ek, s, r, p["id"]))
