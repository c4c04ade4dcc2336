"""Handlers of voices, concurrency and API-key identity."""

from __future__ import annotations

from retell.types import voice_add_resource_params

from retell_dsl.emulator.body import json_body
from retell_dsl.emulator.domain import voices
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.state import State

__all__ = ["add_community_voice", "get_api_key_info", "get_concurrency", "get_voice", "list_voices"]


def list_voices(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /list-voices``."""
    return json_response(200, voices.list_voices(state))


def get_voice(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-voice/{voice_id}``."""
    return json_response(200, voices.get_voice(state, params["voice_id"]))


def add_community_voice(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``POST /add-community-voice``."""
    body = json_body(req, voice_add_resource_params.VoiceAddResourceParams, allow_empty=False)
    provider = body.get("voice_provider") or "elevenlabs"
    doc = voices.add_community_voice(state, provider, str(body["provider_voice_id"]), str(body["voice_name"]))
    return json_response(200, doc)


def get_concurrency(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-concurrency``."""
    return json_response(200, voices.concurrency(state))


def get_api_key_info(state: State, req: EmuRequest, params: dict[str, str]) -> EmuResponse:
    """``GET /get-api-key-info``."""
    return json_response(200, voices.identity(state))
