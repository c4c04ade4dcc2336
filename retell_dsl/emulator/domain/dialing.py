"""Placing calls: create-phone-call (with idempotency keys), create-web-call, register-phone-call (§5.1-5.3).

Each ``create_*`` function takes the request's fields as the SDK sends them (already checked
against the SDK's request type) and returns the stored ``registered`` call.

With a conversation engine, calls then connect: :func:`dial` rings an outbound call's
``to_number`` in the directory of simulated phone users (listed: it connects and the
engine holds it; unlisted: ``not_connected`` / ``dial_no_answer``); :func:`join_web_call`
connects a web call when a simulated caller joins it; :func:`place_inbound_call` rings an
owned number from a listed caller. A call refused for concurrency ends ``not_connected`` /
``concurrency_limit_reached``. A web call nobody joins within :data:`WEB_TOKEN_TTL_MS`
ends ``not_connected`` / ``error_user_not_joined``, and a registered phone call that never
connects within :data:`REGISTERED_CALL_TTL_MS` ends ``registered_call_timeout``
(:func:`expire_unjoined`, run before every calls endpoint, on the emulator clock).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retell_dsl.emulator.domain import lifecycle
from retell_dsl.emulator.domain.calls import bound_agent, check_e164, check_metadata, fail_on, new_call, outbound_agent
from retell_dsl.emulator.domain.phone_users import check_caller, lookup_caller
from retell_dsl.emulator.domain.versions import resolve_agent_version
from retell_dsl.emulator.errors import bad_request
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = [
    "REGISTERED_CALL_TTL_MS",
    "UNJOINED_KEY",
    "WEB_TOKEN_TTL_MS",
    "connect",
    "create_phone_call",
    "create_web_call",
    "dial",
    "expire_unjoined",
    "join_web_call",
    "place_inbound_call",
    "register_phone_call",
    "web_call_bundle",
]

#: How long a web call's access token stays valid (an unjoined call then ends ``error_user_not_joined``).
WEB_TOKEN_TTL_MS = 30_000
#: How long a registered phone call waits to connect before it ends ``registered_call_timeout``.
REGISTERED_CALL_TTL_MS = 30_000
#: Meta key listing the registered web and registered-phone calls that can still expire.
UNJOINED_KEY = "calls:unjoined"
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
    _watch(state, doc["call_id"])
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
    doc = new_call(
        state, agent, fields, requested_version=params.get("agent_version"), agent_override=params.get("agent_override")
    )
    doc["_expires_at"] = state.now() + REGISTERED_CALL_TTL_MS
    state.store.put("call", doc["call_id"], doc)
    _watch(state, doc["call_id"])
    return doc


# --------------------------------------------------------------------------- connecting


def _watch(state: State, call_id: str) -> None:
    state.store.meta_set(UNJOINED_KEY, [*state.store.meta_get(UNJOINED_KEY, []), call_id])


def expire_unjoined(state: State) -> None:
    """End every registered call whose join window has passed on the emulator clock."""
    watched: list[str] = state.store.meta_get(UNJOINED_KEY, [])
    if not watched:
        return
    now, keep = state.now(), []
    for call_id in watched:
        doc = state.store.get("call", call_id)
        if doc is None or doc.get("call_status") != "registered":
            continue
        if now < int(doc.get("_expires_at", now + 1)):
            keep.append(call_id)
            continue
        web = doc.get("call_type") == "web_call"
        reason = "error_user_not_joined" if web else "registered_call_timeout"
        lifecycle.fail_call(state, call_id, status="not_connected", disconnection_reason=reason)
    if keep:
        state.store.meta_set(UNJOINED_KEY, keep)
    else:
        state.store.meta_delete(UNJOINED_KEY)


def connect(state: State, call_id: str, caller: Mapping[str, Any] | None) -> Document:
    """Start a registered call and hand it to the background engine; a refused call stays ``not_connected``."""
    hold = state.hold_call
    if hold is None:
        raise RuntimeError("this emulator state has no background call holder; use the Emulator facade")
    doc = lifecycle.start_call(state, call_id)
    if doc["call_status"] == "ongoing":
        hold(call_id, caller)
    return doc


def join_web_call(state: State, call_id: str, caller: object) -> Document:
    """A simulated caller joins a registered web call: it starts (or is refused) and the engine holds it."""
    expire_unjoined(state)
    who = None if caller is None else check_caller(caller)
    doc = state.require("call", call_id)
    if doc.get("call_type") != "web_call":
        raise bad_request(f"Call {call_id} is a {doc.get('call_type')}, not a web call; only web calls are joined")
    if doc.get("call_status") != "registered":
        reason = f" ({doc['disconnection_reason']})" if doc.get("disconnection_reason") else ""
        raise bad_request(f"Call {call_id} cannot be joined: it is {doc.get('call_status')}{reason}, not registered")
    return connect(state, call_id, who)


def dial(state: State, call_id: str) -> Document:
    """Ring an outbound call's ``to_number``: a listed phone user answers, anyone else does not."""
    doc = state.require("call", call_id)
    caller = lookup_caller(state, doc.get("to_number"))
    if caller is None:
        return lifecycle.fail_call(state, call_id, status="not_connected", disconnection_reason="dial_no_answer")
    return connect(state, call_id, caller)


def place_inbound_call(state: State, from_number: str, to_number: str) -> Document:
    """A listed phone user calls a number of the account; its weighted inbound agents answer."""
    caller = lookup_caller(state, from_number)
    problems = check_e164(from_number, "from_number") + check_e164(to_number, "to_number")
    if not problems and caller is None:
        problems.append(f"from_number {from_number} is not a listed phone user; add it with PUT /_emulator/phone-users")
    fail_on(problems)
    agent = bound_agent(state, to_number, "inbound_agents")
    fields = {"call_type": "phone_call", "direction": "inbound", "from_number": from_number, "to_number": to_number}
    doc = new_call(state, agent, fields)
    return connect(state, doc["call_id"], caller)
