"""Placing calls: create-phone-call (with idempotency keys), create-web-call, register-phone-call (§5.1-5.3).

Each function takes the request's fields as the SDK sends them (already checked against
the SDK's request type) and returns the stored ``registered`` call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain.calls import check_e164, check_metadata, fail_on, new_call, outbound_agent
from retell_dsl.emulator.domain.versions import resolve_agent_version
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = ["WEB_TOKEN_TTL_MS", "create_phone_call", "create_web_call", "register_phone_call", "web_call_bundle"]

#: How long a web call's access token stays valid.
WEB_TOKEN_TTL_MS = 30_000
_ICE_SERVERS = [{"urls": ["stun:stun.l.google.com:19302"]}]


def create_phone_call(state: State, params: Mapping[str, Any]) -> Document:
    """An outbound call: the override agent if given, else the number's weighted outbound agents.

    A repeated ``idempotency_key`` within ``config.idempotency_window_ms`` returns the first call.
    """
    problems = check_e164(params["to_number"], "to_number", bool(params.get("ignore_e164_validation")))
    problems += check_metadata(params.get("metadata"))
    fail_on(problems)
    key = params.get("idempotency_key")
    if key:
        seen = state.store.meta_get(f"idempotency:call:{key}")
        if seen and state.now() - int(seen["at"]) < state.config.idempotency_window_ms:
            existing = state.store.get("call", str(seen["call_id"]))
            if existing is not None:
                return existing
    if state.store.get("phone_number", params["from_number"]) is None:
        raise bad_request(f"from_number {params['from_number']} is not a phone number of this account")
    if params.get("override_agent_id"):
        version = params.get("override_agent_version")
        agent = resolve_agent_version(state, params["override_agent_id"], version, "voice")
    else:
        version = None
        agent = outbound_agent(state, params["from_number"])
    fields = {
        "call_type": "phone_call",
        "direction": "outbound",
        "from_number": params["from_number"],
        "to_number": params["to_number"],
        "metadata": params.get("metadata"),
        "retell_llm_dynamic_variables": params.get("retell_llm_dynamic_variables"),
        "custom_sip_headers": params.get("custom_sip_headers"),
    }
    doc = new_call(state, agent, fields, requested_version=version, agent_override=params.get("agent_override"))
    if key:
        state.store.meta_set(f"idempotency:call:{key}", {"call_id": doc["call_id"], "at": state.now()})
    return doc


def create_web_call(state: State, params: Mapping[str, Any]) -> Document:
    """A web call with a short-lived access token; ``current_node_id`` / ``current_state`` are kept for the engine."""
    fail_on(check_metadata(params.get("metadata")))
    agent = resolve_agent_version(state, params["agent_id"], params.get("agent_version"), "voice")
    fields = {
        "call_type": "web_call",
        "access_token": state.new_id("access_token"),
        "metadata": params.get("metadata"),
        "retell_llm_dynamic_variables": params.get("retell_llm_dynamic_variables"),
    }
    doc = new_call(
        state, agent, fields, requested_version=params.get("agent_version"), agent_override=params.get("agent_override")
    )
    for key in ("current_node_id", "current_state"):
        if params.get(key) is not None:
            doc[f"_{key}"] = params[key]
    doc["_expires_at"] = state.now() + WEB_TOKEN_TTL_MS
    state.store.put("call", doc["call_id"], doc)
    return doc


def web_call_bundle(doc: Document) -> Document:
    """What create-web-call answers: the token bundle a web client joins with."""
    return {
        "access_token": doc["access_token"],
        "call_id": doc["call_id"],
        "expires_at": doc["_expires_at"],
        "ice_servers": _ICE_SERVERS,
        "transport": "gateway",
    }


def register_phone_call(state: State, params: Mapping[str, Any]) -> Document:
    """A call placed through the caller's own telephony (custom SIP), registered before it connects."""
    problems = check_metadata(params.get("metadata"))
    for field in ("from_number", "to_number"):
        if field in params:
            problems += check_e164(params[field], field)
    fail_on(problems)
    agent = resolve_agent_version(state, params["agent_id"], params.get("agent_version"), "voice")
    fields = {
        "call_type": "phone_call",
        "direction": params.get("direction", "inbound"),
        "from_number": params.get("from_number", ""),
        "to_number": params.get("to_number", ""),
        "metadata": params.get("metadata"),
        "retell_llm_dynamic_variables": params.get("retell_llm_dynamic_variables"),
    }
    return new_call(
        state, agent, fields, requested_version=params.get("agent_version"), agent_override=params.get("agent_override")
    )
