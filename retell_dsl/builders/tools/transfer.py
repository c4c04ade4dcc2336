"""Where a transfer goes and how (cold, warm, agentic warm), shared by tools and flow nodes.

>>> ColdTransfer(mode="sip_refer")
ColdTransfer(mode='sip_refer')
>>> WarmTransfer(public_handoff=Handoff.message("Connecting you now")).public_handoff
Handoff(kind='static_message', text='Connecting you now')
>>> Inferred(prompt="The department the caller asked for").prompt
'The department the caller asked for'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from retell_dsl.builders.base import UNSET, Spec, Unset, one_of
from retell_dsl.builders.prompt import Prompt, Var

if TYPE_CHECKING:
    from retell_dsl.builders.agent import Agent

__all__ = [
    "AgenticWarmTransfer",
    "ColdTransfer",
    "Destination",
    "Handoff",
    "Inferred",
    "TransferOption",
    "WarmTransfer",
]

OnHoldMusic = Literal["none", "relaxing_sound", "uplifting_beats", "ringtone", "custom"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Inferred(Spec):
    """A dynamic destination: the LLM infers the number from this prompt.

    >>> Inferred(prompt="Transfer to the number the caller names")
    Inferred(prompt='Transfer to the number the caller names')
    """

    prompt: str | Prompt


Destination = str | Var | Inferred
"""A transfer destination: an E.164 number (or ``Var``/``"{{var}}"``), or :class:`Inferred`."""


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Handoff(Spec):
    """What is said at hand-off: a prompt or a static message.

    >>> Handoff.prompt("Summarise the call for the agent").kind
    'prompt'
    """

    kind: Literal["prompt", "static_message"]
    text: str | Prompt

    def _check(self) -> None:
        one_of(self.kind, ("prompt", "static_message"), "Handoff kind")

    @classmethod
    def prompt(cls, text: str | Prompt) -> Handoff:
        """An LLM-generated hand-off following ``text``."""
        return cls(kind="prompt", text=text)

    @classmethod
    def message(cls, text: str | Prompt) -> Handoff:
        """A fixed hand-off message."""
        return cls(kind="static_message", text=text)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ColdTransfer(Spec):
    """Hand the caller over directly.

    >>> ColdTransfer()
    ColdTransfer()
    """

    mode: Literal["sip_refer", "sip_invite"] | Unset = UNSET
    show_transferee_as_caller: bool | Unset = UNSET
    ring_duration_ms: int | Unset = UNSET

    def _check(self) -> None:
        one_of(self.mode, ("sip_refer", "sip_invite"), "ColdTransfer mode")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class WarmTransfer(Spec):
    """Stay on the line, brief the human, then bridge.

    >>> WarmTransfer(on_hold_music="ringtone").on_hold_music
    'ringtone'
    """

    agent_detection_timeout_ms: int | Unset = UNSET
    on_hold_music: OnHoldMusic | Unset = UNSET
    custom_on_hold_music_asset_id: str | Unset = UNSET
    enable_bridge_audio_cue: bool | Unset = UNSET
    opt_out_human_detection: bool | Unset = UNSET
    ivr_prompt: str | Prompt | Unset = UNSET
    private_handoff: Handoff | Unset = UNSET
    public_handoff: Handoff | Unset = UNSET
    show_transferee_as_caller: bool | Unset = UNSET
    ring_duration_ms: int | Unset = UNSET


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class AgenticWarmTransfer(Spec):
    """A transfer agent calls the destination, briefs it, then bridges or cancels.

    >>> AgenticWarmTransfer(action_on_timeout="bridge_transfer").action_on_timeout
    'bridge_transfer'
    """

    transfer_agent: Agent | str | Unset = UNSET
    transfer_agent_version: int | Unset = UNSET
    action_on_timeout: Literal["bridge_transfer", "cancel_transfer"] | Unset = UNSET
    timeout_ms: int | Unset = UNSET
    on_hold_music: OnHoldMusic | Unset = UNSET
    custom_on_hold_music_asset_id: str | Unset = UNSET
    enable_bridge_audio_cue: bool | Unset = UNSET
    public_handoff: Handoff | Unset = UNSET
    show_transferee_as_caller: bool | Unset = UNSET
    ring_duration_ms: int | Unset = UNSET


TransferOption = ColdTransfer | WarmTransfer | AgenticWarmTransfer
"""How a transfer is carried out."""
