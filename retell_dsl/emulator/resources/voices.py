"""Voices (seeded catalog plus added community voices), concurrency and API-key identity."""

from __future__ import annotations

from retell.types import voice_add_resource_params

from retell_dsl.emulator.body import json_body
from retell_dsl.emulator.errors import bad_request, not_found
from retell_dsl.emulator.messages import EmuRequest, EmuResponse, json_response
from retell_dsl.emulator.resources.voice_catalog import VOICES
from retell_dsl.emulator.router import Router
from retell_dsl.emulator.state import State, strip_private

__all__ = ["register", "voice_exists"]

_PROVIDER_PREFIX = {
    "elevenlabs": "11labs",
    "cartesia": "cartesia",
    "minimax": "minimax",
    "fish_audio": "fish",
    "inworld": "inworld",
}


def voice_exists(state: State, voice_id: str) -> bool:
    return voice_id in VOICES or state.store.get("voice", voice_id) is not None


def _list(state: State) -> EmuResponse:
    added = [strip_private(doc) for _, doc in state.store.list_latest("voice")]
    return json_response(200, list(VOICES.values()) + added)


def _get(state: State, voice_id: str) -> EmuResponse:
    voice = VOICES.get(voice_id) or state.store.get("voice", voice_id)
    if voice is None:
        raise not_found("voice", voice_id)
    return json_response(200, strip_private(voice))


def _add_community_voice(state: State, req: EmuRequest) -> EmuResponse:
    body = json_body(req, voice_add_resource_params.VoiceAddResourceParams, allow_empty=False)
    provider = body.get("voice_provider") or "elevenlabs"
    name = str(body["voice_name"]).strip()
    if not name:
        raise bad_request("voice_name must not be empty")
    voice_id = f"custom_voice_{_PROVIDER_PREFIX[provider]}_{body['provider_voice_id']}"
    if voice_exists(state, voice_id):
        raise bad_request(f"Voice {body['provider_voice_id']!r} was already added as {voice_id}")
    doc = {"voice_id": voice_id, "voice_name": name, "provider": provider, "gender": "female"}
    state.store.put("voice", voice_id, doc)
    return json_response(200, doc)


def _concurrency(state: State) -> EmuResponse:
    ongoing = sum(1 for _, c in state.store.list_latest("call") if c.get("call_status") == "ongoing")
    limit = state.config.concurrency_limit
    return json_response(
        200,
        {
            "current_concurrency": ongoing,
            "concurrency_limit": limit,
            "base_concurrency": limit,
            "purchased_concurrency": 0,
            "concurrency_purchase_limit": 100,
            "remaining_purchase_limit": 100,
            "concurrency_burst_enabled": False,
            "concurrency_burst_limit": min(3 * limit, limit + 300),
            "reserved_inbound_concurrency": 0,
        },
    )


def _identity(state: State) -> EmuResponse:
    org = state.ids.new("org", 0)
    return json_response(200, {"org_id": org, "org_name": "Retell emulator", "api_key_name": "emulator"})


def register(router: Router) -> None:
    router.add("GET", "/list-voices")(lambda s, r, p: _list(s))
    router.add("GET", "/get-voice/{voice_id}")(lambda s, r, p: _get(s, p["voice_id"]))
    router.add("POST", "/add-community-voice")(lambda s, r, p: _add_community_voice(s, r))
    router.add("GET", "/get-concurrency")(lambda s, r, p: _concurrency(s))
    router.add("GET", "/get-api-key-info")(lambda s, r, p: _identity(s))
