# ruff: noqa: RUF002
"""Small option values of an agent: voicemail, IVR, DTMF, pronunciation.

>>> Voicemail.leave_message("Hi, this is Acme Dental. Please call us back.").action
'static_text'
>>> Voicemail.hang_up()
Voicemail(action='hangup')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from retell_dsl.builders.base import UNSET, Spec, Unset, one_of, require_str
from retell_dsl.builders.prompt import Prompt
from retell_dsl.errors import InvalidSpec

__all__ = ["DtmfOptions", "Ivr", "Pronunciation", "Voicemail"]

VOICEMAIL_ACTIONS = ("hangup", "prompt", "static_text", "bridge_transfer")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Voicemail(Spec):
    """What to do when voicemail is detected (``text`` for ``prompt``/``static_text`` actions)."""

    action: Literal["hangup", "prompt", "static_text", "bridge_transfer"]
    text: str | Prompt | Unset = UNSET
    detection_prompt: str | Unset = UNSET

    def _check(self) -> None:
        one_of(self.action, VOICEMAIL_ACTIONS, "Voicemail action")
        needs_text = self.action in ("prompt", "static_text")
        if needs_text and self.text is UNSET:
            raise InvalidSpec(f"Voicemail action {self.action!r} needs text=")
        if not needs_text and self.text is not UNSET:
            raise InvalidSpec(f"Voicemail action {self.action!r} takes no text=")

    @classmethod
    def hang_up(cls, *, detection_prompt: str | Unset = UNSET) -> Voicemail:
        """Hang up on voicemail."""
        return cls(action="hangup", detection_prompt=detection_prompt)

    @classmethod
    def leave_message(cls, text: str | Prompt, *, detection_prompt: str | Unset = UNSET) -> Voicemail:
        """Leave a fixed message."""
        return cls(action="static_text", text=text, detection_prompt=detection_prompt)

    @classmethod
    def generate_message(cls, prompt: str | Prompt, *, detection_prompt: str | Unset = UNSET) -> Voicemail:
        """Leave a message the LLM writes following ``prompt``."""
        return cls(action="prompt", text=prompt, detection_prompt=detection_prompt)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Ivr(Spec):
    """Hang up when an IVR answers (optionally with a custom detection prompt).

    >>> Ivr()
    Ivr()
    """

    detection_prompt: str | Unset = UNSET


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DtmfOptions(Spec):
    """How caller key presses are collected.

    >>> DtmfOptions(digit_limit=4, termination_key="#").termination_key
    '#'
    """

    digit_limit: int | Unset = UNSET
    termination_key: str | Unset = UNSET
    timeout_ms: int | Unset = UNSET


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Pronunciation(Spec):
    """How to pronounce one word.

    >>> Pronunciation(word="Retell", phoneme="ɹiːˈtɛl")
    Pronunciation(word='Retell', phoneme='ɹiːˈtɛl')
    """

    word: str
    phoneme: str
    alphabet: Literal["ipa", "cmu", "pinyin", "jyutping"] = "ipa"

    def _check(self) -> None:
        require_str(self.word, "Pronunciation word")
        require_str(self.phoneme, f"Pronunciation {self.word!r} phoneme")
        one_of(self.alphabet, ("ipa", "cmu", "pinyin", "jyutping"), f"Pronunciation {self.word!r} alphabet")
