"""Handlers of phone numbers (the E.164 number is the id, with its literal ``+`` in paths)."""

from __future__ import annotations

from retell.types import phone_number_create_params, phone_number_import_params, phone_number_update_params

from retell_dsl.emulator.body import json_body
from retell_dsl.emulator.domain import phone_numbers
from retell_dsl.emulator.domain.phone_numbers import KIND
from retell_dsl.emulator.handlers._listing import paged
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State, strip_private

__all__ = [
    "create_phone_number",
    "delete_phone_number",
    "get_phone_number",
    "import_phone_number",
    "list_phone_numbers",
    "update_phone_number",
]


def create_phone_number(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /create-phone-number`` (buy a number)."""
    body = json_body(req, phone_number_create_params.PhoneNumberCreateParams)
    return json_response(201, strip_private(phone_numbers.purchase_number(state, body)))


def import_phone_number(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /import-phone-number``."""
    body = json_body(req, phone_number_import_params.PhoneNumberImportParams)
    return json_response(201, strip_private(phone_numbers.import_number(state, body)))


def get_phone_number(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-phone-number/{number}``."""
    return json_response(200, strip_private(state.require(KIND, params["number"])))


def list_phone_numbers(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /v2/list-phone-numbers``."""
    return paged(state, req, KIND, state.store.list_latest(KIND), id_of=lambda d: str(d["phone_number"]))


def update_phone_number(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``PATCH /update-phone-number/{number}``."""
    state.require(KIND, params["number"])
    body = json_body(req, phone_number_update_params.PhoneNumberUpdateParams)
    return json_response(200, strip_private(phone_numbers.update_number(state, params["number"], body)))


def delete_phone_number(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``DELETE /delete-phone-number/{number}``."""
    phone_numbers.delete_number(state, params["number"])
    return EmuResponse(204)
