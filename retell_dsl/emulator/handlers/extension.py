"""Handlers of the emulator's own routes under ``/_emulator/`` — NOT part of Retell's API.

They let an offline run do what only a person or a phone network does on Retell: list
simulated phone users (number → caller JSON), join a web call as a simulated caller and
ring an owned number from a listed caller. They take the same API key as every route.
A caller JSON is ``{"type": "script", "steps": [...]}`` or ``{"type": "persona",
"user_prompt": ...}`` (``engine_port.CallSession.caller``).
"""

from __future__ import annotations

from typing import Required, TypedDict

from retell_dsl.emulator.body import json_body
from retell_dsl.emulator.domain import batch_calls, calls, dialing, lifecycle, phone_users
from retell_dsl.emulator.engine_port import no_engine
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State

__all__ = [
    "call_events",
    "delete_phone_user",
    "get_phone_user",
    "join_web_call",
    "list_phone_users",
    "place_inbound_call",
    "put_phone_user",
]


class InboundCallParams(TypedDict, total=False):
    """``POST /_emulator/inbound-calls``: who calls (a listed phone user) which number of the account."""

    from_number: Required[str]
    to_number: Required[str]


_CallerBody = dict[str, object]


def put_phone_user(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PUT /_emulator/phone-users/{number}``: list (or replace) who answers the number; body: the caller JSON."""
    caller = json_body(req, _CallerBody, allow_empty=False)
    return json_response(200, phone_users.put_phone_user(state, params["number"], caller))


def get_phone_user(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /_emulator/phone-users/{number}``."""
    return json_response(200, phone_users.get_phone_user(state, params["number"]))


def list_phone_users(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /_emulator/phone-users``: ``{"items": [{"phone_number", "caller"}, ...]}``."""
    return json_response(200, {"items": phone_users.list_phone_users(state)})


def delete_phone_user(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /_emulator/phone-users/{number}``."""
    phone_users.delete_phone_user(state, params["number"])
    return EmuResponse(204)


def call_events(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /_emulator/calls/{call_id}/events``: ``{"call_id", "events"}``, the transcript with state transitions.

    Retell's call object has no ``state_transition`` items; an offline test reads a Retell
    LLM's path through its states here (``retell_dsl.conversations`` does).
    """
    events = lifecycle.engine_events(state, params["call_id"])
    return json_response(200, {"call_id": params["call_id"], "events": events})


def join_web_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /_emulator/web-calls/{call_id}/join``: a simulated caller joins; the engine holds the call.

    Answers the call object (``ongoing``); a call refused for concurrency answers 429 and
    stays ``not_connected`` / ``concurrency_limit_reached``.
    """
    caller = json_body(req, _CallerBody, allow_empty=False)
    batch_calls.materialize_due(state)
    dialing.expire_unjoined(state)
    state.require("call", params["call_id"])
    if state.engine is None:
        raise no_engine(req.method, req.path, "holding the web call once a caller joins")
    doc = dialing.join_web_call(state, params["call_id"], caller)
    if doc.get("call_status") != "ongoing":
        message = (
            f"Concurrency limit reached: {state.config.concurrency_limit} calls are ongoing; "
            f"call {doc['call_id']} ended {doc.get('disconnection_reason')}"
        )
        # answered, not raised: the refused call stays recorded (a raised error would roll it back)
        return json_response(429, {"status": "error", "message": message})
    return json_response(200, calls.render_call(doc))


def place_inbound_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /_emulator/inbound-calls`` ``{from_number, to_number}``: a listed caller rings an owned number."""
    body = json_body(req, InboundCallParams, allow_empty=False)
    batch_calls.materialize_due(state)
    if state.engine is None:
        raise no_engine(req.method, req.path, "holding the inbound call")
    return json_response(
        201, calls.render_call(dialing.place_inbound_call(state, body["from_number"], body["to_number"]))
    )
