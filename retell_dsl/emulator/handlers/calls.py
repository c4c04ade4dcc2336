"""Handlers of calls and batch calls.

Every calls endpoint first spawns (and, with an engine, places) the batch calls that are
due and expires the web calls nobody joined in time (:func:`_due`). With an engine,
create-phone-call dials the number at once (see ``domain.dialing.dial``).
"""

from __future__ import annotations

from retell.types import (
    batch_call_create_batch_call_params,
    call_create_phone_call_params,
    call_create_web_call_params,
    call_list_params,
    call_register_phone_call_params,
    call_take_over_live_params,
    call_update_live_params,
    call_update_params,
)

from retell_dsl.emulator.body import json_body
from retell_dsl.emulator.domain import batch_calls, calls, conversation, dialing, lifecycle, live_control
from retell_dsl.emulator.domain.call_filters import CALL_FILTERS, page_in_body
from retell_dsl.emulator.engine_port import CallAnalyzer, no_engine
from retell_dsl.emulator.errors import ApiError, bad_request, not_implemented
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = [
    "create_batch_call",
    "create_phone_call",
    "create_web_call",
    "delete_call",
    "get_call",
    "list_calls",
    "listen_live_call",
    "register_phone_call",
    "rerun_call_analysis",
    "stop_call",
    "take_over_live_call",
    "update_call",
    "update_live_call",
]


def _due(state: State) -> None:
    batch_calls.materialize_due(state)
    dialing.expire_unjoined(state)


def create_phone_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /v2/create-phone-call``: answers the ``registered`` call; with an engine it is then dialled."""
    _due(state)
    body = json_body(req, call_create_phone_call_params.CallCreatePhoneCallParams, allow_empty=False)
    doc = dialing.create_phone_call(state, body)
    rendered = calls.render_call(doc)
    if state.engine is not None and doc.get("call_status") == "registered":
        dialing.dial(state, doc["call_id"])
    return json_response(201, rendered)


def create_web_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /v3/create-web-call``: answers the token bundle, not the call."""
    _due(state)
    body = json_body(req, call_create_web_call_params.CallCreateWebCallParams, allow_empty=False)
    return json_response(201, dialing.web_call_bundle(dialing.create_web_call(state, body)))


def register_phone_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /v2/register-phone-call``."""
    _due(state)
    body = json_body(req, call_register_phone_call_params.CallRegisterPhoneCallParams, allow_empty=False)
    return json_response(201, calls.render_call(dialing.register_phone_call(state, body)))


def get_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /v2/get-call/{call_id}``."""
    _due(state)
    return json_response(200, calls.render_call(state.require("call", params["call_id"])))


def list_calls(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /v3/list-calls`` (filters and paging in the body; items without transcripts)."""
    _due(state)
    body = json_body(req, call_list_params.CallListParams)
    page = page_in_body(state, "call", body, CALL_FILTERS, id_field="call_id", render=calls.render_call_summary)
    return json_response(200, page)


def update_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /v2/update-call/{call_id}``."""
    _due(state)
    body = json_body(req, call_update_params.CallUpdateParams)
    return json_response(200, calls.render_call(calls.update_call(state, params["call_id"], body)))


def delete_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /v2/delete-call/{call_id}``."""
    _due(state)
    calls.delete_call(state, params["call_id"])
    return EmuResponse(204)


def _require_ongoing(state: State, call_id: str, what: str) -> Document:
    doc = state.require("call", call_id)
    if doc.get("call_status") != "ongoing":
        raise bad_request(f"Cannot {what} call {call_id}: it is {doc.get('call_status')}, not ongoing")
    return doc


def stop_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /v2/stop-call/{call_id}``: end an ongoing call (``manual_stopped``)."""
    _due(state)
    _require_ongoing(state, params["call_id"], "stop")
    lifecycle.end_call(state, params["call_id"], disconnection_reason="manual_stopped")
    return EmuResponse(204)


def _engine_needed(state: State, req: EmuRequest, what: str) -> ApiError:
    """No engine: say so and how to configure one. With one: the engine port has no such operation yet."""
    if state.engine is None:
        return no_engine(req.method, req.path, what)
    return not_implemented(req.method, req.path, f"{what} is not part of the ConversationEngine port yet")


def update_live_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /v2/update-live-call/{call_id}``: overrides and injected context on an ongoing call."""
    _due(state)
    body = json_body(req, call_update_live_params.CallUpdateLiveParams)
    live_control.update_live_call(state, params["call_id"], body)
    return json_response(200, {"success": True})


def listen_live_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /v2/listen-live-call/{call_id}``."""
    _require_ongoing(state, params["call_id"], "listen to")
    raise _engine_needed(state, req, "live call control (listen to)")


def take_over_live_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /v2/take-over-live-call/{call_id}``."""
    json_body(req, call_take_over_live_params.CallTakeOverLiveParams, allow_empty=False)
    _require_ongoing(state, params["call_id"], "take over")
    raise _engine_needed(state, req, "live call control (take over)")


def rerun_call_analysis(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PUT /rerun-call-analysis/{call_id}``: the engine analyses the ended call again; answers the call."""
    _due(state)
    doc = state.require("call", params["call_id"])
    if doc.get("call_status") in ("registered", "ongoing"):
        raise bad_request(f"Cannot rerun the analysis of call {params['call_id']}: it is {doc['call_status']}")
    if state.engine is None:
        raise no_engine(req.method, req.path, "post-call analysis")
    if not isinstance(state.engine, CallAnalyzer):
        raise not_implemented(req.method, req.path, "the configured engine does not analyse calls (CallAnalyzer)")
    return json_response(200, calls.render_call(conversation.analyze_call(state, state.engine, params["call_id"])))


def create_batch_call(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-batch-call``."""
    body = json_body(req, batch_call_create_batch_call_params.BatchCallCreateBatchCallParams, allow_empty=False)
    return json_response(201, batch_calls.render_batch_call(batch_calls.create_batch_call(state, body)))
