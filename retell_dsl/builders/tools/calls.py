"""Call-control tools: end call, transfer, agent swap, press digit, SMS, bridge/cancel transfer.

>>> EndCall(name="end_call", description="End the call when the caller is done").name
'end_call'
>>> TransferCall(name="to_desk", destination="+14155550100").option
ColdTransfer()
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from retell_dsl.builders.base import UNSET, FrozenMap, Spec, Unset, one_of, require_mapping, require_str
from retell_dsl.builders.prompt import Prompt, Var
from retell_dsl.builders.tools.transfer import (
    AgenticWarmTransfer,
    ColdTransfer,
    Destination,
    Inferred,
    TransferOption,
    WarmTransfer,
)
from retell_dsl.errors import InvalidArgument, InvalidSpec

if TYPE_CHECKING:
    from retell_dsl.builders.agent import Agent

__all__ = [
    "AgentSwap",
    "BridgeTransfer",
    "CancelTransfer",
    "EndCall",
    "PressDigit",
    "SendSMS",
    "Tool",
    "TransferCall",
]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Tool(Spec):
    """Base of every tool: a unique ``name`` (``[A-Za-z0-9_-]{1,64}``), a description, ``extra``."""

    TYPE: ClassVar[str] = ""
    name: str
    description: str | Prompt | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, f"{type(self).__name__} name")
        require_mapping(self.extra, f"{type(self).__name__} {self.name!r} extra=")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SpeakingTool(Tool):
    """A tool that may speak while it runs (``execution_message`` is what to say, or how to say it)."""

    speak_during_execution: bool | Unset = UNSET
    execution_message: str | Prompt | Unset = UNSET
    execution_message_type: Literal["prompt", "static_text"] | Unset = UNSET

    def _check(self) -> None:
        Tool._check(self)
        label = f"{type(self).__name__} {self.name!r} execution_message_type"
        one_of(self.execution_message_type, ("prompt", "static_text"), label)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class EndCall(SpeakingTool):
    """Hang up.

    >>> EndCall(name="end_call").TYPE
    'end_call'
    """

    TYPE: ClassVar[str] = "end_call"
    custom_sip_headers: Mapping[str, str] | Unset = UNSET


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class TransferCall(SpeakingTool):
    """Transfer the call to a fixed number (``destination="+1…"``), a variable, or an inferred one.

    >>> t = TransferCall(name="to_sales", destination=Inferred(prompt="Sales number"), option=WarmTransfer())
    >>> type(t.option).__name__
    'WarmTransfer'
    """

    TYPE: ClassVar[str] = "transfer_call"
    destination: Destination
    extension: str | Unset = UNSET
    option: TransferOption = field(default_factory=ColdTransfer)
    custom_sip_headers: Mapping[str, str] | Unset = UNSET
    ignore_e164_validation: bool | Unset = UNSET

    def _check(self) -> None:
        SpeakingTool._check(self)
        check_destination(self.destination, self.option, f"TransferCall {self.name!r}")


def check_destination(destination: object, option: object, what: str) -> None:
    """Shared construction checks of transfer tools and nodes."""
    __tracebackhide__ = True
    if not isinstance(destination, str | Var | Inferred):
        raise InvalidArgument(
            f"{what} destination must be an E.164 number string, a Var or Inferred(prompt=...), got {destination!r}"
        )
    if not isinstance(option, ColdTransfer | WarmTransfer | AgenticWarmTransfer):
        raise InvalidArgument(
            f"{what} option must be ColdTransfer(), WarmTransfer() or AgenticWarmTransfer(), got {option!r}"
        )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class AgentSwap(SpeakingTool):
    """Hand the conversation to another agent (an ``Agent`` spec or an agent id).

    >>> AgentSwap(name="to_spanish", agent="agent_123").post_call_analysis_setting
    'both_agents'
    """

    TYPE: ClassVar[str] = "agent_swap"
    agent: Agent | str
    agent_version: int | str | Unset = UNSET
    post_call_analysis_setting: Literal["both_agents", "only_destination_agent"] = "both_agents"
    webhook_setting: Literal["both_agents", "only_destination_agent", "only_source_agent"] | Unset = UNSET
    keep_current_voice: bool | Unset = UNSET
    keep_current_language: bool | Unset = UNSET
    use_swap_agent_max_duration: bool | Unset = UNSET

    def _check(self) -> None:
        SpeakingTool._check(self)
        check_agent_target(self.agent, f"AgentSwap {self.name!r}")


def check_agent_target(agent: object, what: str) -> None:
    """An agent reference must be an Agent spec or an agent id string."""
    __tracebackhide__ = True
    from retell_dsl.builders.agent import Agent

    if not isinstance(agent, Agent | str):
        raise InvalidArgument(f"{what}: agent must be an Agent or an agent id string, got {agent!r}")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PressDigit(Tool):
    """Press DTMF digits (to navigate an IVR).

    >>> PressDigit(name="press", delay_ms=500).delay_ms
    500
    """

    TYPE: ClassVar[str] = "press_digit"
    delay_ms: int | Unset = UNSET


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SendSMS(SpeakingTool):
    """Send a text message: fixed ``text``, LLM-written from ``prompt``, or a ``template``.

    ``text`` follows the tool's ``sms_content``; a flow's ``SMSNode`` says ``static_text=`` instead,
    like every node.

    >>> SendSMS(name="send_link", text="Book here: https://x.example").TYPE
    'send_sms'
    """

    TYPE: ClassVar[str] = "send_sms"
    text: str | Prompt | Unset = UNSET
    prompt: str | Prompt | Unset = UNSET
    template: Literal["info_collection"] | Unset = UNSET
    to_number: str | Var | Unset = UNSET
    ignore_e164_validation: bool | Unset = UNSET
    sender: Literal["current_number", "retell_long_code"] | Unset = UNSET
    speak_after_execution: bool | Unset = UNSET

    def _check(self) -> None:
        SpeakingTool._check(self)
        content = {"text": self.text, "prompt": self.prompt, "template": self.template}
        check_sms_content(content, f"SendSMS {self.name!r}")
        one_of(self.sender, ("current_number", "retell_long_code"), f"SendSMS {self.name!r} sender")


def check_sms_content(content: Mapping[str, object], what: str) -> None:
    """Exactly one of the message keywords (``text``/``static_text``, ``prompt``, ``template``)."""
    __tracebackhide__ = True
    given = [n for n, v in content.items() if v is not UNSET]
    if len(given) != 1:
        choices = ", ".join(f"{n}=" for n in content)
        raise InvalidSpec(f"{what} needs exactly one of {choices}; got {given or 'none'}")
    one_of(content["template"], ("info_collection",), f"{what} template")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class BridgeTransfer(SpeakingTool):
    """Transfer agents only: bridge the waiting caller to the destination.

    >>> BridgeTransfer(name="bridge").TYPE
    'bridge_transfer'
    """

    TYPE: ClassVar[str] = "bridge_transfer"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CancelTransfer(SpeakingTool):
    """Transfer agents only: cancel the transfer and return to the caller.

    >>> CancelTransfer(name="cancel").TYPE
    'cancel_transfer'
    """

    TYPE: ClassVar[str] = "cancel_transfer"
