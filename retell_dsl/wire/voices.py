"""Retell's voice ids: a catalogue of the ids known to exist, the id forms of each provider, and a classifier.

Pure data and helpers (no I/O). Used by lint (RD410/RD411), by ``apply``'s preflight and by the
emulator, which seeds ``list-voices`` with :data:`CATALOGUE`.

A Retell voice id is ``<provider prefix>-<Name>`` (``11labs-Adrian``, ``openai-Alloy``,
``cartesia-Cleo``, ``retell-Cimo`` for Retell's own "platform" voices), or ``custom_voice_<...>``
for a voice an account cloned or added from a provider's community library. Retell's full list
is per account and grows, so an id of a known provider's form that is not in the catalogue is
*plausible* (a new or account-specific voice), not wrong; an id that is one letter away from a
known one is almost certainly a typo.

Where the catalogue comes from (public sources, read 2026-12):

- ``retell-api.md`` §9 and the SDK's ``VoiceResponse`` (providers ``elevenlabs, openai,
  cartesia, minimax, fish_audio, inworld, platform, xai``; examples ``retell-Cimo``,
  ``11labs-Adrian``, ``openai-Alloy``), and the emulator's earlier 32-voice seed.
- ElevenLabs ids with gender/accent/age from a public agent-configuration page that mirrors
  Retell's dashboard voice picker (``11labs-Andrew`` … ``11labs-Zuri``, incl. the lower-case
  ``11labs-charlie`` and ``11labs-victoria`` exactly as listed there).
- Ids used by public Retell agents and dashboard exports: ``11labs-Cimo``, ``11labs-Brynne``,
  ``11labs-Leland``, ``11labs-Delia``, ``11labs-Rita``, ``11labs-Willa``, ``11labs-Maren``,
  ``11labs-Ashley``, ``11labs-Sloane``, ``11labs-Sarah``, ``retell-Willa``, ``retell-Brynne``,
  ``retell-Tamsin``, ``openai-Coral``, ``fish_audio-Cimo``.

Accents/ages are left empty where no source gives them.

>>> classify("11labs-Adrian").kind
'known'
>>> classify("custom_voice_ca06f1b2").kind
'plausible'
>>> result = classify("11labs-Marisa")
>>> result.kind, result.near
('unknown', ('11labs-Marissa',))
>>> classify("11labs-Nobody-New").kind
'plausible'
>>> classify("nobody").kind
'unknown'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from retell_dsl.wire.hints import closest

__all__ = [
    "CATALOGUE",
    "CUSTOM_PREFIX",
    "PROVIDER_PREFIXES",
    "Voice",
    "VoiceCheck",
    "classify",
    "near_misses",
    "provider_of",
]


@dataclass(frozen=True, slots=True)
class Voice:
    """One voice of Retell's catalogue (``accent``/``age`` are ``""`` where no source says)."""

    voice_id: str
    name: str
    provider: str
    gender: Literal["male", "female"]
    accent: str = ""
    age: str = ""


#: Retell's voice-id prefix → the provider it reports. ``deepgram-`` and ``play-`` (PlayHT) are
#: forms of older Retell voices that exports still carry.
PROVIDER_PREFIXES: Final[dict[str, str]] = {
    "11labs-": "elevenlabs",
    "openai-": "openai",
    "cartesia-": "cartesia",
    "minimax-": "minimax",
    "fish_audio-": "fish_audio",
    "inworld-": "inworld",
    "retell-": "platform",
    "xai-": "xai",
    "deepgram-": "deepgram",
    "play-": "play",
}

CUSTOM_PREFIX: Final = "custom_voice_"
"""Cloned voices and voices added from a provider's community library (``add-community-voice``)."""

_M: Final = "male"
_F: Final = "female"
# (voice_id, name, gender, accent, age); the provider follows from the prefix
_ROWS: tuple[tuple[str, str, Literal["male", "female"], str, str], ...] = (
    # the emulator's first seed (its list order is kept: list-voices returns them first)
    ("11labs-Adrian", "Adrian", _M, "American", "Young"),
    ("11labs-Anthony", "Anthony", _M, "British", "Middle Aged"),
    ("11labs-Amy", "Amy", _F, "British", "Young"),
    ("11labs-Brian", "Brian", _M, "American", "Middle Aged"),
    ("11labs-Chloe", "Chloe", _F, "Australian", "Young"),
    ("11labs-Dorothy", "Dorothy", _F, "British", "Old"),
    ("11labs-Evie", "Evie", _F, "American", "Young"),
    ("11labs-Grace", "Grace", _F, "American", "Middle Aged"),
    ("11labs-Jason", "Jason", _M, "American", "Young"),
    ("11labs-Jenny", "Jenny", _F, "American", "Young"),
    ("11labs-Kate", "Kate", _F, "American", "Middle Aged"),
    ("11labs-Marissa", "Marissa", _F, "American", "Young"),
    ("11labs-Max", "Max", _M, "American", "Middle Aged"),
    ("11labs-Myra", "Myra", _F, "American", "Young"),
    ("11labs-Paola", "Paola", _F, "Italian", "Middle Aged"),
    ("11labs-Ryan", "Ryan", _M, "Irish", "Young"),
    ("11labs-Susan", "Susan", _F, "American", "Old"),
    ("11labs-Amritanshu", "Amritanshu", _M, "Indian", "Middle Aged"),
    ("openai-Alloy", "Alloy", _F, "American", "Middle Aged"),
    ("openai-Echo", "Echo", _M, "American", "Middle Aged"),
    ("openai-Fable", "Fable", _M, "British", "Young"),
    ("openai-Nova", "Nova", _F, "American", "Young"),
    ("openai-Onyx", "Onyx", _M, "American", "Middle Aged"),
    ("openai-Shimmer", "Shimmer", _F, "American", "Young"),
    ("cartesia-Cimo", "Cimo", _M, "American", "Young"),
    ("cartesia-Cleo", "Cleo", _F, "American", "Young"),
    ("cartesia-Brooke", "Brooke", _F, "American", "Middle Aged"),
    ("cartesia-Kian", "Kian", _M, "Australian", "Young"),
    ("retell-Cimo", "Cimo", _M, "American", "Young"),
    ("retell-Marissa", "Marissa", _F, "American", "Young"),
    ("minimax-Cimo", "Cimo", _M, "American", "Young"),
    ("minimax-Lily", "Lily", _F, "Chinese", "Young"),
    # from public Retell agents, exports and dashboard-mirroring voice pickers
    ("11labs-Andrew", "Andrew", _M, "American", "Young"),
    ("11labs-Anna", "Anna", _F, "American", "Young"),
    ("11labs-Ashley", "Ashley", _F, "", ""),
    ("11labs-Billy", "Billy", _M, "American", "Young"),
    ("11labs-Bing", "Bing", _M, "American", "Young"),
    ("11labs-Brynne", "Brynne", _F, "American", ""),
    ("11labs-Carola", "Carola", _F, "German", "Middle Aged"),
    ("11labs-charlie", "Charlie", _M, "Australian", "Middle Aged"),
    ("11labs-Cimo", "Cimo", _M, "American", "Middle Aged"),
    ("11labs-Delia", "Delia", _F, "", ""),
    ("11labs-Emily", "Emily", _F, "American", "Middle Aged"),
    ("11labs-Ethan", "Ethan", _M, "American", "Young"),
    ("11labs-Gilfoy", "Gilfoy", _M, "American", "Middle Aged"),
    ("11labs-James", "James", _M, "American", "Old"),
    ("11labs-Joe", "Joe", _M, "American", "Middle Aged"),
    ("11labs-John", "John", _M, "American", "Middle Aged"),
    ("11labs-Julia", "Julia", _F, "American", "Middle Aged"),
    ("11labs-Kathrine", "Kathrine", _F, "American", "Middle Aged"),
    ("11labs-Leland", "Leland", _M, "", ""),
    ("11labs-Lily", "Lily", _F, "American", "Young"),
    ("11labs-Lucas", "Lucas", _M, "American", "Middle Aged"),
    ("11labs-Maren", "Maren", _F, "", ""),
    ("11labs-Mia", "Mia", _F, "American", "Middle Aged"),
    ("11labs-Monika", "Monika", _F, "Indian", "Middle Aged"),
    ("11labs-Nina", "Nina", _F, "American", "Middle Aged"),
    ("11labs-Noah", "Noah", _M, "Australian", "Middle Aged"),
    ("11labs-Paul", "Paul", _M, "American", "Old"),
    ("11labs-Rita", "Rita", _F, "", ""),
    ("11labs-Samad", "Samad", _M, "Indian", "Middle Aged"),
    ("11labs-Santiago", "Santiago", _M, "Spanish", "Middle Aged"),
    ("11labs-Sarah", "Sarah", _F, "", ""),
    ("11labs-Sloane", "Sloane", _F, "", ""),
    ("11labs-Steve", "Steve", _M, "American", "Old"),
    ("11labs-victoria", "Victoria", _F, "American", "Young"),
    ("11labs-Willa", "Willa", _F, "", ""),
    ("11labs-Zuri", "Zuri", _F, "American", "Old"),
    ("openai-Coral", "Coral", _F, "American", ""),
    ("retell-Brynne", "Brynne", _F, "American", ""),
    ("retell-Tamsin", "Tamsin", _F, "", ""),
    ("retell-Willa", "Willa", _F, "American", "Young"),
    ("fish_audio-Cimo", "Cimo", _M, "American", ""),
)


def provider_of(voice_id: str) -> str | None:
    """The provider a voice id's form names (``"elevenlabs"`` for ``11labs-…``), or ``None``.

    >>> provider_of("11labs-Adrian"), provider_of("custom_voice_abc"), provider_of("Adrian")
    ('elevenlabs', 'custom', None)
    """
    if voice_id.startswith(CUSTOM_PREFIX) and len(voice_id) > len(CUSTOM_PREFIX):
        return "custom"
    for prefix, provider in PROVIDER_PREFIXES.items():
        if voice_id.startswith(prefix) and len(voice_id) > len(prefix):
            return provider
    return None


CATALOGUE: Final[dict[str, Voice]] = {
    vid: Voice(vid, name, PROVIDER_PREFIXES[vid[: vid.index("-") + 1]], gender, accent, age)
    for vid, name, gender, accent, age in _ROWS
}
"""Every voice id known to exist on Retell, with what is known about it."""


VoiceKind = Literal["known", "plausible", "unknown"]


@dataclass(frozen=True, slots=True)
class VoiceCheck:
    """What :func:`classify` found: ``known`` (in the catalogue), ``plausible`` (a provider's form
    or a custom voice: cloned or new), or ``unknown`` (with the known ids it is a near miss of)."""

    voice_id: str
    kind: VoiceKind
    near: tuple[str, ...] = ()


def near_misses(voice_id: str, known: object = None) -> tuple[str, ...]:
    """Known ids that ``voice_id`` is a likely typo of (closest first; case-insensitive).

    ``known`` is an iterable of ids (default: the catalogue).

    >>> near_misses("11labs-Jasonn")
    ('11labs-Jason',)
    >>> near_misses("openai-Nova")
    ()
    """
    ids = list(known) if isinstance(known, list | tuple | set | frozenset | dict) else list(CATALOGUE)
    if voice_id in ids:
        return ()
    return closest(voice_id, ids, n=3, cutoff=0.88, ignore_case=True)


def classify(voice_id: str) -> VoiceCheck:
    """Known, plausible or unknown (with near misses): see :class:`VoiceCheck`.

    A provider-form id that is a near miss of a known id is ``unknown``: ``11labs-Marisa`` is a
    typo of ``11labs-Marissa``, not a new voice.
    """
    if voice_id in CATALOGUE:
        return VoiceCheck(voice_id, "known")
    near = near_misses(voice_id)
    if near:
        return VoiceCheck(voice_id, "unknown", near)
    if provider_of(voice_id) is not None:
        return VoiceCheck(voice_id, "plausible")
    return VoiceCheck(voice_id, "unknown")
