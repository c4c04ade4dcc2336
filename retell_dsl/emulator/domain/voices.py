"""Voices (the seeded catalog plus added community voices), concurrency and API-key identity."""

from __future__ import annotations

from retell_dsl.emulator.domain.voice_catalog import VOICES
from retell_dsl.emulator.errors import bad_request, not_found
from retell_dsl.emulator.state import State, strip_private
from retell_dsl.emulator.store import Document
from retell_dsl.wire.voices import provider_of

__all__ = [
    "add_community_voice",
    "concurrency",
    "get_voice",
    "identity",
    "list_voices",
    "ongoing_count",
    "voice_exists",
]

_PROVIDER_PREFIX = {
    "elevenlabs": "11labs",
    "cartesia": "cartesia",
    "minimax": "minimax",
    "fish_audio": "fish",
    "inworld": "inworld",
}


def voice_exists(state: State, voice_id: str) -> bool:
    """Whether an agent may use ``voice_id``: in the catalog, added, or of a known provider's form.

    Retell's voice list is per account and grows (new provider voices, cloned ``custom_voice_*``
    ids), so the emulator accepts every id of a provider's form the way Retell stores what an
    export carries; ``get-voice`` still answers "not found" for one it does not list.
    """
    return _listed(state, voice_id) or provider_of(voice_id) is not None


def _listed(state: State, voice_id: str) -> bool:
    """Whether ``voice_id`` is in the catalog or was added (what ``list-voices`` shows)."""
    return voice_id in VOICES or state.store.get("voice", voice_id) is not None


def list_voices(state: State) -> list[Document]:
    """The catalog, then the added voices."""
    added = [strip_private(doc) for _, doc in state.store.list_latest("voice")]
    return [dict(v) for v in VOICES.values()] + added


def get_voice(state: State, voice_id: str) -> Document:
    """One voice, or 422."""
    voice = VOICES.get(voice_id) or state.store.get("voice", voice_id)
    if voice is None:
        raise not_found("voice", voice_id)
    return strip_private(dict(voice))


def add_community_voice(state: State, provider: str, provider_voice_id: str, voice_name: str) -> Document:
    """Add a provider's voice under Retell's ``custom_voice_<provider>_<id>`` id; adding it twice is refused."""
    name = voice_name.strip()
    if not name:
        raise bad_request("voice_name must not be empty")
    voice_id = f"custom_voice_{_PROVIDER_PREFIX[provider]}_{provider_voice_id}"
    if _listed(state, voice_id):
        raise bad_request(f"Voice {provider_voice_id!r} was already added as {voice_id}")
    doc: Document = {"voice_id": voice_id, "voice_name": name, "provider": provider, "gender": "female"}
    state.store.put("voice", voice_id, doc)
    return doc


def ongoing_count(state: State) -> int:
    """How many calls are ``ongoing`` (what ``GET /get-concurrency`` reports)."""
    return sum(1 for _, doc in state.store.list_latest("call") if doc.get("call_status") == "ongoing")


def concurrency(state: State) -> Document:
    """The account's concurrency: ongoing calls against the configured limit."""
    limit = state.config.concurrency_limit
    return {
        "current_concurrency": ongoing_count(state),
        "concurrency_limit": limit,
        "base_concurrency": limit,
        "purchased_concurrency": 0,
        "concurrency_purchase_limit": 100,
        "remaining_purchase_limit": 100,
        "concurrency_burst_enabled": False,
        "concurrency_burst_limit": min(3 * limit, limit + 300),
        "reserved_inbound_concurrency": 0,
    }


def identity(state: State) -> Document:
    """Who the API key belongs to."""
    return {"org_id": state.ids.new("org", 0), "org_name": "Retell emulator", "api_key_name": "emulator"}
