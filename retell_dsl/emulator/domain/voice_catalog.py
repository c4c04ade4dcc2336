"""The seeded voice catalog: Retell's real voice ids across providers, from :mod:`retell_dsl.wire.voices`."""

from __future__ import annotations

from retell_dsl.wire.voices import CATALOGUE

__all__ = ["VOICES"]

_PREVIEW = "https://retell-utils-public.s3.us-west-2.amazonaws.com/{}.mp3"


def _document(voice_id: str) -> dict[str, str]:
    voice = CATALOGUE[voice_id]
    doc = {
        "voice_id": voice.voice_id,
        "voice_name": voice.name,
        "provider": voice.provider,
        "gender": voice.gender,
        "preview_audio_url": _PREVIEW.format(f"{voice.provider}-{voice.name}".lower()),
    }
    if voice.accent:
        doc["accent"] = voice.accent
    if voice.age:
        doc["age"] = voice.age
    return doc


VOICES: dict[str, dict[str, str]] = {vid: _document(vid) for vid in CATALOGUE}
