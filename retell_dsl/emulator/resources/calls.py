"""Calls: create (phone, web, registered), get, list, update, delete, stop (retell-api.md §1.5, §5, §12.10).

Calls are stored as kind ``"call"`` (the concurrency endpoint counts the ``ongoing``
ones). Private keys: ``_created_at`` (list order for calls that never started),
``_batch_call_id``, ``_agent_override``, ``_custom_attributes``, ``_tool_calls``.
Live control needs the simulation engine and answers 501.
"""

from __future__ import annotations

import json
from typing import Any

from retell.types import (
    call_create_phone_call_params,
    call_create_web_call_params,
    call_list_params,
    call_register_phone_call_params,
    call_take_over_live_params,
    call_update_live_params,
    call_update_params,
)

from retell_dsl.emulator.body import json_body
from retell_dsl.emulator.errors import ApiError, bad_request, not_implemented
from retell_dsl.emulator.lifecycle import end_call
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.resources.agents import resolve_agent_version
from retell_dsl.emulator.resources.call_filters import CALL_FILTERS, page_in_body
from retell_dsl.emulator.resources.checks import E164
from retell_dsl.emulator.router import Router
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document

__all__ = [
    "METADATA_LIMIT_BYTES",
    "STORAGE_STRICTNESS",
    "TRANSCRIPT_FIELDS",
    "check_metadata",
    "new_call",
    "outbound_agent",
    "register",
    "render_call",
]

#: ``metadata`` may hold at most 50 kB of JSON.
METADATA_LIMIT_BYTES = 50 * 1024
#: ``data_storage_setting`` values from loosest to strictest; updates may only tighten.
STORAGE_STRICTNESS = ("everything", "everything_except_pii", "basic_attributes_only")
#: What list-calls leaves out of each item.
TRANSCRIPT_FIELDS = frozenset(
    {
        "transcript",
        "transcript_object",
        "transcript_with_tool_calls",
        "scrubbed_transcript_with_tool_calls",
        "pre_session_transcript_with_tool_calls",
        "post_session_transcript_with_tool_calls",
        "scrubbed_pre_session_transcript_with_tool_calls",
        "scrubbed_post_session_transcript_with_tool_calls",
    }
)
_WEB_TOKEN_TTL_MS = 30_000
_ICE_SERVERS = [{"urls": ["stun:stun.l.google.com:19302"]}]


def render_call(doc: Document) -> Document:
    return strip_private(doc)


def check_metadata(metadata: object, where: str = "metadata") -> list[str]:
    size = len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode())
    if size > METADATA_LIMIT_BYTES:
        return [f"{where} is {size} bytes of JSON; at most {METADATA_LIMIT_BYTES} are allowed"]
    return []


def merge_metadata_and_storage(
    doc: Document, body: dict[str, Any], *, storage_key: str, strictness: tuple[str, ...]
) -> list[str]:
    """Update-call/update-chat rules: metadata merges shallowly, data storage can only get stricter.

    Changes ``doc`` in place and returns the problems (empty when the update is acceptable).
    """
    if "metadata" in body:
        old, new = doc.get("metadata"), body["metadata"]
        doc["metadata"] = {**old, **new} if isinstance(old, dict) and isinstance(new, dict) else new
    problems = check_metadata(doc.get("metadata"))
    if "data_storage_setting" in body:
        current, wanted = doc.get(storage_key) or "everything", body["data_storage_setting"]
        if strictness.index(wanted) < strictness.index(current):
            problems.append(f"data_storage_setting cannot be loosened from {current!r} to {wanted!r}")
        doc[storage_key] = wanted
    return problems


def _materialize(state: State) -> None:
    """Spawn the calls of batch calls whose trigger time has passed (they appear lazily)."""
    from retell_dsl.emulator.resources.batch_calls import materialize_due

    materialize_due(state)


def outbound_agent(state: State, from_number: str) -> Document:
    """Pick the agent version for an outbound call from the number's weighted ``outbound_agents``."""
    number = state.store.get("phone_number", from_number)
    if number is None:
        raise bad_request(f"from_number {from_number} is not a phone number of this account; buy or import it first")
    bindings = [b for b in number.get("outbound_agents") or [] if isinstance(b, dict)]
    if not bindings:
        raise bad_request(
            f"Phone number {from_number} has no outbound agent; bind one with update-phone-number "
            "(outbound_agents) or pass override_agent_id"
        )
    roll = state.rng(f"outbound:{from_number}").random() * sum(float(b.get("weight", 0)) for b in bindings)
    chosen = bindings[-1]
    for binding in bindings:
        roll -= float(binding.get("weight", 0))
        if roll < 0:
            chosen = binding
            break
    return resolve_agent_version(state, str(chosen["agent_id"]), chosen.get("agent_version"), "voice")


def _agent_tag(agent: Document, requested: object) -> str | None:
    tags = list(agent.get("_tags") or [])
    if isinstance(requested, str) and requested in tags:
        return requested
    return tags[0] if tags else None


def new_call(
    state: State,
    agent: Document,
    fields: dict[str, Any],
    *,
    requested_version: object = None,
    agent_override: object = None,
    batch_call_id: str | None = None,
) -> Document:
    """Store a new ``registered`` call for a resolved agent version; ``fields`` are the call's own."""
    call_id = state.new_id("call")
    doc: Document = {
        "call_id": call_id,
        "agent_id": agent["agent_id"],
        "agent_version": int(agent["version"]),
        "call_status": "registered",
        "data_storage_setting": agent.get("data_storage_setting") or "everything",
        **{k: v for k, v in fields.items() if v is not None},
        "_created_at": state.now(),
    }
    if agent.get("agent_name"):
        doc["agent_name"] = agent["agent_name"]
    tag = _agent_tag(agent, requested_version)
    if tag:
        doc["agent_tag"] = tag
    if agent_override is not None:
        doc["_agent_override"] = agent_override
    if batch_call_id is not None:
        doc["_batch_call_id"] = batch_call_id
    state.store.put("call", call_id, doc)
    return doc


def _check_e164(number: object, where: str, ignore: bool) -> list[str]:
    if ignore or (isinstance(number, str) and E164.match(number)):
        return []
    return [f"{where} {number!r} is not an E.164 number like +14155551234 (or set ignore_e164_validation)"]


def _create_phone_call(state: State, req: EmuRequest) -> EmuResponse:
    _materialize(state)
    body = json_body(req, call_create_phone_call_params.CallCreatePhoneCallParams, allow_empty=False)
    problems = _check_e164(body["to_number"], "to_number", bool(body.get("ignore_e164_validation")))
    problems += check_metadata(body.get("metadata"))
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)
    key = body.get("idempotency_key")
    if key:
        seen = state.store.meta_get(f"idempotency:call:{key}")
        if seen and state.now() - int(seen["at"]) < state.config.idempotency_window_ms:
            existing = state.store.get("call", str(seen["call_id"]))
            if existing is not None:
                return json_response(201, render_call(existing))
    if state.store.get("phone_number", body["from_number"]) is None:
        raise bad_request(f"from_number {body['from_number']} is not a phone number of this account")
    if body.get("override_agent_id"):
        version = body.get("override_agent_version")
        agent = resolve_agent_version(state, body["override_agent_id"], version, "voice")
    else:
        version = None
        agent = outbound_agent(state, body["from_number"])
    fields = {
        "call_type": "phone_call",
        "direction": "outbound",
        "from_number": body["from_number"],
        "to_number": body["to_number"],
        "metadata": body.get("metadata"),
        "retell_llm_dynamic_variables": body.get("retell_llm_dynamic_variables"),
        "custom_sip_headers": body.get("custom_sip_headers"),
    }
    doc = new_call(state, agent, fields, requested_version=version, agent_override=body.get("agent_override"))
    if key:
        state.store.meta_set(f"idempotency:call:{key}", {"call_id": doc["call_id"], "at": state.now()})
    return json_response(201, render_call(doc))


def _create_web_call(state: State, req: EmuRequest) -> EmuResponse:
    _materialize(state)
    body = json_body(req, call_create_web_call_params.CallCreateWebCallParams, allow_empty=False)
    problems = check_metadata(body.get("metadata"))
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)
    agent = resolve_agent_version(state, body["agent_id"], body.get("agent_version"), "voice")
    token = state.new_id("access_token")
    fields = {
        "call_type": "web_call",
        "access_token": token,
        "metadata": body.get("metadata"),
        "retell_llm_dynamic_variables": body.get("retell_llm_dynamic_variables"),
    }
    doc = new_call(
        state, agent, fields, requested_version=body.get("agent_version"), agent_override=body.get("agent_override")
    )
    for key in ("current_node_id", "current_state"):
        if body.get(key) is not None:
            doc[f"_{key}"] = body[key]
    doc["_expires_at"] = state.now() + _WEB_TOKEN_TTL_MS
    state.store.put("call", doc["call_id"], doc)
    bundle = {
        "access_token": token,
        "call_id": doc["call_id"],
        "expires_at": doc["_expires_at"],
        "ice_servers": _ICE_SERVERS,
        "transport": "gateway",
    }
    return json_response(201, bundle)


def _register_phone_call(state: State, req: EmuRequest) -> EmuResponse:
    _materialize(state)
    body = json_body(req, call_register_phone_call_params.CallRegisterPhoneCallParams, allow_empty=False)
    problems = check_metadata(body.get("metadata"))
    for field in ("from_number", "to_number"):
        if field in body:
            problems += _check_e164(body[field], field, False)
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)
    agent = resolve_agent_version(state, body["agent_id"], body.get("agent_version"), "voice")
    fields = {
        "call_type": "phone_call",
        "direction": body.get("direction", "inbound"),
        "from_number": body.get("from_number", ""),
        "to_number": body.get("to_number", ""),
        "metadata": body.get("metadata"),
        "retell_llm_dynamic_variables": body.get("retell_llm_dynamic_variables"),
    }
    doc = new_call(
        state, agent, fields, requested_version=body.get("agent_version"), agent_override=body.get("agent_override")
    )
    return json_response(201, render_call(doc))


def _get(state: State, call_id: str) -> EmuResponse:
    _materialize(state)
    return json_response(200, render_call(state.require("call", call_id)))


def _list(state: State, req: EmuRequest) -> EmuResponse:
    _materialize(state)
    body = json_body(req, call_list_params.CallListParams)

    def render(doc: Document) -> Document:
        return {k: v for k, v in render_call(doc).items() if k not in TRANSCRIPT_FIELDS}

    return json_response(200, page_in_body(state, "call", body, CALL_FILTERS, id_field="call_id", render=render))


def _update(state: State, req: EmuRequest, call_id: str) -> EmuResponse:
    _materialize(state)
    body = json_body(req, call_update_params.CallUpdateParams)
    doc = state.require("call", call_id)
    problems = merge_metadata_and_storage(doc, body, storage_key="data_storage_setting", strictness=STORAGE_STRICTNESS)
    if problems:
        raise bad_request("Invalid request format, please check API reference", problems)
    if body.get("custom_attributes"):
        doc["_custom_attributes"] = {**(doc.get("_custom_attributes") or {}), **body["custom_attributes"]}
    state.store.put("call", call_id, doc)
    return json_response(200, render_call(doc))


def _delete(state: State, call_id: str) -> EmuResponse:
    _materialize(state)
    state.require("call", call_id)
    state.store.delete("call", call_id)
    return EmuResponse(204)


def _require_ongoing(state: State, call_id: str, what: str) -> Document:
    doc = state.require("call", call_id)
    if doc.get("call_status") != "ongoing":
        raise bad_request(f"Cannot {what} call {call_id}: it is {doc.get('call_status')}, not ongoing")
    return doc


def _stop(state: State, call_id: str) -> EmuResponse:
    _materialize(state)
    _require_ongoing(state, call_id, "stop")
    end_call(state, call_id, disconnection_reason="manual_stopped")
    return EmuResponse(204)


def _live(state: State, req: EmuRequest, call_id: str, what: str) -> EmuResponse:
    if req.method == "PATCH":
        json_body(req, call_update_live_params.CallUpdateLiveParams)
    elif what == "take over":
        json_body(req, call_take_over_live_params.CallTakeOverLiveParams, allow_empty=False)
    _require_ongoing(state, call_id, what)
    raise _engine_missing(req, f"live call control ({what}) needs the simulation engine")


def _rerun_analysis(state: State, req: EmuRequest, call_id: str) -> EmuResponse:
    state.require("call", call_id)
    raise _engine_missing(req, "post-call analysis needs the simulation engine")


def _engine_missing(req: EmuRequest, why: str) -> ApiError:
    return not_implemented(req.method, req.path, why)


def register(router: Router) -> None:
    router.add("POST", "/v2/create-phone-call")(lambda s, r, p: _create_phone_call(s, r))
    router.add("POST", "/v3/create-web-call")(lambda s, r, p: _create_web_call(s, r))
    router.add("POST", "/v2/register-phone-call")(lambda s, r, p: _register_phone_call(s, r))
    router.add("GET", "/v2/get-call/{call_id}")(lambda s, r, p: _get(s, p["call_id"]))
    router.add("POST", "/v3/list-calls")(lambda s, r, p: _list(s, r))
    router.add("PATCH", "/v2/update-call/{call_id}")(lambda s, r, p: _update(s, r, p["call_id"]))
    router.add("DELETE", "/v2/delete-call/{call_id}")(lambda s, r, p: _delete(s, p["call_id"]))
    router.add("POST", "/v2/stop-call/{call_id}")(lambda s, r, p: _stop(s, p["call_id"]))
    router.add("PATCH", "/v2/update-live-call/{call_id}")(lambda s, r, p: _live(s, r, p["call_id"], "update live"))
    router.add("POST", "/v2/listen-live-call/{call_id}")(lambda s, r, p: _live(s, r, p["call_id"], "listen to"))
    router.add("POST", "/v2/take-over-live-call/{call_id}")(lambda s, r, p: _live(s, r, p["call_id"], "take over"))
    router.add("PUT", "/rerun-call-analysis/{call_id}")(lambda s, r, p: _rerun_analysis(s, r, p["call_id"]))
