"""The voice catalogue and classifier, and the emulator's use of them."""

from __future__ import annotations

import pytest
import retell

from retell_dsl.emulator import Emulator
from retell_dsl.emulator.domain.voice_catalog import VOICES
from retell_dsl.wire.voices import CATALOGUE, PROVIDER_PREFIXES, classify, near_misses, provider_of


def test_the_catalogue_holds_the_ids_real_agents_use() -> None:
    for voice_id in ("11labs-Cimo", "11labs-Brynne", "11labs-Adrian", "11labs-Marissa", "retell-Cimo", "openai-Alloy"):
        assert classify(voice_id).kind == "known", voice_id
    assert len(CATALOGUE) > 70


def test_every_catalogued_id_has_a_provider_form_and_a_gender() -> None:
    for voice_id, voice in CATALOGUE.items():
        assert voice.voice_id == voice_id
        assert provider_of(voice_id) == voice.provider, voice_id
        assert voice.gender in {"male", "female"}
        assert voice.name


@pytest.mark.parametrize(
    ("voice_id", "kind", "near"),
    [
        ("11labs-Marisa", "unknown", ("11labs-Marissa",)),
        ("11labs-adrian", "unknown", ("11labs-Adrian", "11labs-Brian")),  # closest first
        ("openai-Nvoa", "unknown", ("openai-Nova",)),
        ("custom_voice_ca06f1b2c3d4", "plausible", ()),
        ("11labs-Zanzibar", "plausible", ()),
        ("cartesia-Lina", "plausible", ()),
        ("play-Jennifer", "plausible", ()),
        ("deepgram-Angus", "plausible", ()),
        ("Adrian", "unknown", ()),
        ("11labs-", "unknown", ()),
        ("custom_voice_", "unknown", ()),
    ],
)
def test_classify(voice_id: str, kind: str, near: tuple[str, ...]) -> None:
    found = classify(voice_id)
    assert (found.kind, found.near) == (kind, near)


def test_near_misses_against_another_list() -> None:
    assert near_misses("11labs-Jonh", ["11labs-John", "openai-Echo"]) == ("11labs-John",)
    assert near_misses("11labs-John", ["11labs-John"]) == ()


def test_provider_prefixes_name_the_providers_retell_reports() -> None:
    assert {"elevenlabs", "openai", "cartesia", "minimax", "fish_audio", "inworld", "platform", "xai"} <= set(
        PROVIDER_PREFIXES.values()
    )


def test_the_emulator_lists_the_catalogue_and_accepts_provider_form_and_custom_ids() -> None:
    emu = Emulator()
    client = emu.client()
    assert [v.voice_id for v in client.voice.list()] == list(VOICES) == list(CATALOGUE)
    llm = client.llm.create(general_prompt="hi")
    engine = {"type": "retell-llm", "llm_id": llm.llm_id}
    for voice_id in ("11labs-Cimo", "11labs-Brynne", "custom_voice_ca06f1b2c3", "11labs-Zanzibar"):
        agent = client.agent.create(response_engine=engine, voice_id=voice_id)  # type: ignore[arg-type]
        assert agent.voice_id == voice_id
    agent = client.agent.create(
        response_engine=engine,  # type: ignore[arg-type]
        voice_id="11labs-Adrian",
        fallback_voice_ids=["custom_voice_abc", "openai-Alloy"],
    )
    assert agent.fallback_voice_ids == ["custom_voice_abc", "openai-Alloy"]
    with pytest.raises(retell.BadRequestError, match="'nobody' is not a known voice"):
        client.agent.create(response_engine=engine, voice_id="nobody")  # type: ignore[arg-type]
    # an id the emulator accepts but does not list answers "not found", as Retell does for a voice it lacks
    with pytest.raises(retell.APIStatusError) as info:
        client.voice.retrieve("11labs-Zanzibar")
    assert info.value.status_code in {404, 422}
    assert client.voice.retrieve("11labs-Cimo").voice_name == "Cimo"
