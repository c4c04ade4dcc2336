"""The voice agent: voice, language, response engine, call handling, analysis and privacy.

Every field is a keyword of the constructor; the fluent methods are sugar that return new values.

>>> from retell_dsl.builders.llm import RetellLLM
>>> llm = RetellLLM(name="support", model="gpt-4.1")
>>> agent = (
...     Agent(name="Support", voice="11labs-Adrian", engine=llm)
...     .speech(speed=1.1)
...     .limits(silence_ms=30_000, max_duration_ms=900_000)
...     .webhook("https://hooks.example.com/retell", events=("call_ended",))
... )
>>> agent == Agent(name="Support", voice="11labs-Adrian", engine=llm, voice_speed=1.1,
...     end_call_after_silence_ms=30_000, max_call_duration_ms=900_000,
...     webhook_url="https://hooks.example.com/retell", webhook_events=("call_ended",))
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Self

from retell_dsl.builders.agent_options import DtmfOptions, Ivr, Pronunciation, Voicemail
from retell_dsl.builders.agent_sugar import DATA_STORAGE, AgentSugar, DataStorage
from retell_dsl.builders.base import (
    UNSET,
    FrozenMap,
    Spec,
    Unset,
    require_mapping,
    require_str,
    require_tuple_of,
)
from retell_dsl.builders.engine import CustomLLM, ExistingEngine
from retell_dsl.builders.fields import ANALYSIS_FIELD_TYPES, AnalysisField
from retell_dsl.builders.flow.flow import ConversationFlow
from retell_dsl.builders.llm import RetellLLM

__all__ = ["DATA_STORAGE", "Agent", "Engine"]

Engine = RetellLLM | ConversationFlow | CustomLLM | ExistingEngine
"""An agent's response engine."""


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Agent(Spec, AgentSugar):
    """A Retell voice agent. ``name`` is sent as ``agent_name`` and addresses it in a Stack.

    Constructor keywords are the field names. A fluent method sets a group of related fields and
    its keywords drop the group's prefix (``.privacy(storage=)`` sets ``data_storage``); the Retell
    name differs where the DSL drops ``_id``/``_setting`` suffixes. Every fluent keyword that is
    not the field's own name (``tests/builders/test_naming.py`` checks this table):

    ================================  =============================  ===============================
    fluent keyword                    field                          Retell field
    ================================  =============================  ===============================
    ``speech(voice=)``                ``voice``                      ``voice_id``
    ``speech(model=)``                ``voice_model``                ``voice_model``
    ``speech(fallback=)``             ``fallback_voices``            ``fallback_voice_ids``
    ``speech(speed=)``                ``voice_speed``                ``voice_speed``
    ``speech(temperature=)``          ``voice_temperature``          ``voice_temperature``
    ``turn_taking(begin_delay_ms=)``  ``begin_message_delay_ms``     ``begin_message_delay_ms``
    ``turn_taking(backchannel=)``     ``enable_backchannel``         ``enable_backchannel``
    ``ambient(sound)``                ``ambient_sound``              ``ambient_sound``
    ``ambient(volume=)``              ``ambient_sound_volume``       ``ambient_sound_volume``
    ``limits(silence_ms=)``           ``end_call_after_silence_ms``  ``end_call_after_silence_ms``
    ``limits(max_duration_ms=)``      ``max_call_duration_ms``       ``max_call_duration_ms``
    ``limits(ring_ms=)``              ``ring_duration_ms``           ``ring_duration_ms``
    ``dtmf(allow=)``                  ``allow_user_dtmf``            ``allow_user_dtmf``
    ``dtmf(interrupt=)``              ``allow_dtmf_interruption``    ``allow_dtmf_interruption``
    ``dtmf(options=)``                ``dtmf_options``               ``user_dtmf_options``
    ``webhook(url)``                  ``webhook_url``                ``webhook_url``
    ``webhook(events=)``              ``webhook_events``             ``webhook_events``
    ``webhook(timeout_ms=)``          ``webhook_timeout_ms``         ``webhook_timeout_ms``
    ``analyze(*fields)``              ``analysis_fields``            ``post_call_analysis_data``
    ``analyze(model=)``               ``analysis_model``             ``post_call_analysis_model``
    ``privacy(storage=)``             ``data_storage``               ``data_storage_setting``
    ``privacy(retention_days=)``      ``data_retention_days``        ``data_storage_retention_days``
    ``privacy(pii=)``                 ``pii_categories``             ``pii_config``
    ``privacy(signed_urls=)``         ``opt_in_signed_url``          ``opt_in_signed_url``
    ``version(title)``                ``version_title``              ``version_title``
    ``version(description=)``         ``version_description``        ``version_description``
    ``languages(*languages)``        ``language``                   ``language``
    ``use_engine(version=)``          ``engine_version``             ``response_engine.version``
    ================================  =============================  ===============================
    """

    name: str
    voice: str
    engine: Engine
    engine_version: int | Unset = UNSET
    # voice
    voice_model: str | Unset | None = UNSET
    fallback_voices: tuple[str, ...] | Unset = UNSET
    voice_speed: float | Unset = UNSET
    voice_temperature: float | Unset = UNSET
    volume: float | Unset = UNSET
    pronunciations: tuple[Pronunciation, ...] = ()
    ambient_sound: str | Unset | None = UNSET
    ambient_sound_volume: float | Unset = UNSET
    speech_normalization: bool | Unset = UNSET
    # language and speech recognition
    language: str | tuple[str, ...] | Unset = UNSET
    stt_mode: Literal["fast", "accurate", "custom"] | Unset = UNSET
    vocab_specialization: Literal["general", "medical"] | Unset = UNSET
    boosted_keywords: tuple[str, ...] | Unset = UNSET
    denoising_mode: str | Unset = UNSET
    # turn taking
    begin_message_delay_ms: int | Unset = UNSET
    responsiveness: float | Unset = UNSET
    interruption_sensitivity: float | Unset = UNSET
    enable_dynamic_responsiveness: bool | Unset = UNSET
    enable_backchannel: bool | Unset = UNSET
    backchannel_frequency: float | Unset = UNSET
    backchannel_words: tuple[str, ...] | Unset = UNSET
    reminder_trigger_ms: int | Unset = UNSET
    reminder_max_count: int | Unset = UNSET
    # limits
    end_call_after_silence_ms: int | Unset = UNSET
    max_call_duration_ms: int | Unset = UNSET
    ring_duration_ms: int | Unset = UNSET
    # voicemail, IVR, DTMF
    voicemail: Voicemail | Unset | None = UNSET
    ivr: Ivr | Unset | None = UNSET
    allow_user_dtmf: bool | Unset = UNSET
    allow_dtmf_interruption: bool | Unset = UNSET
    dtmf_options: DtmfOptions | Unset | None = UNSET
    # webhooks
    webhook_url: str | Unset | None = UNSET
    webhook_events: tuple[str, ...] | Unset = UNSET
    webhook_timeout_ms: int | Unset = UNSET
    # analysis
    analysis_fields: tuple[AnalysisField, ...] = ()
    analysis_model: str | Unset = UNSET
    # data and privacy
    data_storage: DataStorage | Unset = UNSET
    data_retention_days: int | Unset | None = UNSET
    opt_in_signed_url: bool | Unset = UNSET
    pii_categories: tuple[str, ...] | Unset = UNSET
    timezone: str | Unset = UNSET
    # versioning
    version_title: str | Unset = UNSET
    version_description: str | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, "Agent name")
        require_str(self.voice, f"Agent {self.name!r} voice")
        self._check_engine("Agent", Engine)
        if isinstance(self.language, tuple):
            require_tuple_of(self.language, str, f"Agent {self.name!r} language")
        require_tuple_of(self.pronunciations, Pronunciation, f"Agent {self.name!r} pronunciations")
        require_tuple_of(self.analysis_fields, ANALYSIS_FIELD_TYPES, f"Agent {self.name!r} analysis_fields")
        require_mapping(self.extra, f"Agent {self.name!r} extra=")

    # ------------------------------------------------------------------ fluent sugar
    def use_engine(self, engine: Engine, *, version: int | Unset = UNSET) -> Self:
        """Set the response engine (optionally pinned to a version)."""
        return self._replace(engine=engine, engine_version=version)

    def speech(
        self,
        *,
        voice: str | Unset = UNSET,
        model: str | Unset | None = UNSET,
        fallback: tuple[str, ...] | Unset = UNSET,
        speed: float | Unset = UNSET,
        temperature: float | Unset = UNSET,
        volume: float | Unset = UNSET,
    ) -> Self:
        """Voice settings; arguments left out keep their current value."""
        return self._set(
            voice=voice,
            voice_model=model,
            fallback_voices=fallback,
            voice_speed=speed,
            voice_temperature=temperature,
            volume=volume,
        )

    def languages(self, *languages: str) -> Self:
        """One locale, or several (multilingual)."""
        return self._replace(language=languages[0] if len(languages) == 1 else languages)

    def turn_taking(
        self,
        *,
        begin_delay_ms: int | Unset = UNSET,
        responsiveness: float | Unset = UNSET,
        interruption_sensitivity: float | Unset = UNSET,
        backchannel: bool | Unset = UNSET,
        backchannel_frequency: float | Unset = UNSET,
        backchannel_words: tuple[str, ...] | Unset = UNSET,
    ) -> Self:
        """Responsiveness, interruption sensitivity, backchannel and begin-message delay."""
        return self._set(
            begin_message_delay_ms=begin_delay_ms,
            responsiveness=responsiveness,
            interruption_sensitivity=interruption_sensitivity,
            enable_backchannel=backchannel,
            backchannel_frequency=backchannel_frequency,
            backchannel_words=backchannel_words,
        )

    def ambient(self, sound: str | None, *, volume: float | Unset = UNSET) -> Self:
        """Background ambience (``None`` removes it)."""
        return self._set(ambient_sound=sound, ambient_sound_volume=volume)

    def boost(self, *keywords: str) -> Self:
        """Add boosted keywords for speech recognition."""
        current = () if self.boosted_keywords is UNSET else self.boosted_keywords
        return self._replace(boosted_keywords=(*current, *keywords))

    def pronounce(
        self, word: str, phoneme: str, *, alphabet: Literal["ipa", "cmu", "pinyin", "jyutping"] = "ipa"
    ) -> Self:
        """Add a pronunciation-dictionary entry."""
        entry = Pronunciation(word=word, phoneme=phoneme, alphabet=alphabet)
        return self._replace(pronunciations=(*self.pronunciations, entry))

    def normalize(self, enabled: bool = True) -> Self:
        """Normalise numbers, dates and symbols into words before speaking."""
        return self._replace(speech_normalization=enabled)

    def limits(
        self,
        *,
        silence_ms: int | Unset = UNSET,
        max_duration_ms: int | Unset = UNSET,
        ring_ms: int | Unset = UNSET,
    ) -> Self:
        """End-after-silence (≥10000), max call duration (60000-7200000) and ring duration."""
        return self._set(
            end_call_after_silence_ms=silence_ms, max_call_duration_ms=max_duration_ms, ring_duration_ms=ring_ms
        )

    def on_voicemail(self, option: Voicemail | None) -> Self:
        """Voicemail detection and action (``None`` disables detection)."""
        return self._replace(voicemail=option)

    def on_ivr(self, option: Ivr | None) -> Self:
        """IVR detection (hang up) or ``None``."""
        return self._replace(ivr=option)

    def dtmf(
        self,
        *,
        allow: bool | Unset = UNSET,
        interrupt: bool | Unset = UNSET,
        options: DtmfOptions | Unset | None = UNSET,
    ) -> Self:
        """Caller key presses."""
        return self._set(allow_user_dtmf=allow, allow_dtmf_interruption=interrupt, dtmf_options=options)

    def version(self, title: str, description: str | Unset = UNSET) -> Self:
        """Title (and description) of the version this spec becomes."""
        return self._set(version_title=title, version_description=description)
