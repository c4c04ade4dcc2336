"""Flow nodes that talk: conversation, subagent, end, press digit, extract variables, SMS.

>>> greet = (
...     ConversationNode(name="greet", prompt="Greet the caller and ask how you can help.")
...     .to("book", when="Caller wants an appointment")
...     .otherwise("goodbye")
... )
>>> greet.targets()
(('edge[0]', 'book'), ('else edge', 'goodbye'))
>>> EndNode(name="goodbye", static_text="Thanks for calling!").TERMINAL
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, Literal, Self

from retell_dsl.builders.base import UNSET, Spec, Unset, one_of, require_tuple_of
from retell_dsl.builders.fields import DATA_FIELD_TYPES, DataField
from retell_dsl.builders.flow.base import Node, RoutedNode
from retell_dsl.builders.prompt import Prompt, Var
from retell_dsl.builders.tools import Tool
from retell_dsl.builders.tools.calls import check_sms_content
from retell_dsl.errors import InvalidArgument, InvalidSpec

if TYPE_CHECKING:
    from retell_dsl.builders.kb import KnowledgeBase

__all__ = [
    "ConversationNode",
    "EndNode",
    "ExtractNode",
    "PressDigitNode",
    "SMSNode",
    "SubagentNode",
]


def check_instruction(node: Spec, prompt: object, static_text: object, *, required: bool) -> None:
    """At most (or, if required, exactly) one of prompt= / static_text=."""
    __tracebackhide__ = True
    given = [n for n, v in (("prompt", prompt), ("static_text", static_text)) if v is not UNSET]
    name = getattr(node, "name", "?")
    if len(given) > 1:
        raise InvalidSpec(f"{type(node).__name__} {name!r}: give prompt= or static_text=, not both")
    if required and not given:
        raise InvalidSpec(f"{type(node).__name__} {name!r} needs prompt= (what to do) or static_text= (what to say)")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ConversationNode(RoutedNode):
    """Talk with the caller following ``prompt`` (or say ``static_text``), then route.

    ``always_to`` (leave after the user answers, whatever they say) and ``skip_response_to``
    (leave right after speaking) must be the node's only edge.
    """

    TYPE: ClassVar[str] = "conversation"
    prompt: str | Prompt | Unset = UNSET
    static_text: str | Prompt | Unset = UNSET
    always_to: str | Unset = UNSET
    skip_response_to: str | Unset = UNSET
    skippable: bool | Unset = UNSET
    knowledge_bases: tuple[KnowledgeBase | str, ...] = ()
    kb_top_k: int | Unset = UNSET
    kb_filter_score: float | Unset = UNSET
    interruption_sensitivity: float | Unset = UNSET
    responsiveness: float | Unset = UNSET
    voice_speed: float | Unset = UNSET
    stt_mode: Literal["fast", "accurate", "custom"] | Unset = UNSET
    boosted_keywords: tuple[str, ...] | Unset = UNSET
    allow_dtmf_interruption: bool | Unset = UNSET
    reminder_trigger_ms: int | Unset = UNSET
    reminder_max_count: int | Unset = UNSET

    def _check(self) -> None:
        RoutedNode._check(self)
        check_instruction(self, self.prompt, self.static_text, required=True)
        one_of(self.stt_mode, ("fast", "accurate", "custom"), f"{type(self).__name__} {self.name!r} stt_mode")
        from retell_dsl.builders.engine import check_knowledge_bases

        check_knowledge_bases(self.knowledge_bases, f"{type(self).__name__} {self.name!r}")

    def always(self, node: str) -> Self:
        """Leave for ``node`` after the caller responds, whatever they say (the node's only edge)."""
        return self._replace(always_to=node)

    def skip_response(self, node: str) -> Self:
        """Leave for ``node`` right after speaking, without waiting (the node's only edge)."""
        return self._replace(skip_response_to=node)

    def targets(self) -> tuple[tuple[str, str], ...]:
        out = list(RoutedNode.targets(self))
        if self.always_to is not UNSET:
            out.append(("always edge", self.always_to))
        if self.skip_response_to is not UNSET:
            out.append(("skip-response edge", self.skip_response_to))
        return tuple(out)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SubagentNode(ConversationNode):
    """A conversation node with its own tools (``tools``) and flow tools by name (``tool_names``).

    >>> from retell_dsl.builders.tools import EndCall
    >>> SubagentNode(name="helper", prompt="Help them.", tools=(EndCall(name="end"),)).TYPE
    'subagent'
    """

    TYPE: ClassVar[str] = "subagent"
    tools: tuple[Tool, ...] = ()
    tool_names: tuple[str, ...] = ()

    def _check(self) -> None:
        ConversationNode._check(self)
        if self.static_text is not UNSET:
            raise InvalidSpec(f"SubagentNode {self.name!r} takes prompt=, not static_text=")
        require_tuple_of(self.tools, Tool, f"SubagentNode {self.name!r} tools")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class EndNode(Node):
    """End the call, optionally saying something first.

    >>> EndNode(name="bye", prompt="Thank them and say goodbye.").name
    'bye'
    """

    TYPE: ClassVar[str] = "end"
    TERMINAL: ClassVar[bool] = True
    prompt: str | Prompt | Unset = UNSET
    static_text: str | Prompt | Unset = UNSET
    speak_during_execution: bool | Unset = UNSET
    custom_sip_headers: Mapping[str, str] | Unset = UNSET

    def _check(self) -> None:
        Node._check(self)
        check_instruction(self, self.prompt, self.static_text, required=False)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PressDigitNode(RoutedNode):
    """Navigate an IVR by pressing digits as ``prompt`` directs.

    >>> PressDigitNode(name="ivr", prompt="Press 2 for appointments").delay_ms
    UNSET
    """

    TYPE: ClassVar[str] = "press_digit"
    prompt: str | Prompt
    delay_ms: int | Unset = UNSET

    def _check(self) -> None:
        RoutedNode._check(self)
        if not isinstance(self.prompt, str | Prompt):
            raise InvalidArgument(f"PressDigitNode {self.name!r} prompt must be a string or Prompt")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ExtractNode(RoutedNode):
    """Extract typed values from the conversation into dynamic variables, then route.

    >>> from retell_dsl.builders.fields import StringField
    >>> ExtractNode(name="get_date", variables=(StringField(name="date", description="YYYY-MM-DD"),)).provides
    ('date',)
    """

    TYPE: ClassVar[str] = "extract_dynamic_variables"
    variables: tuple[DataField, ...] = ()
    enable_typing_sound: bool | Unset = UNSET

    def _check(self) -> None:
        RoutedNode._check(self)
        require_tuple_of(self.variables, DATA_FIELD_TYPES, f"ExtractNode {self.name!r} variables")

    @property
    def provides(self) -> tuple[str, ...]:
        """Names of the dynamic variables this node sets."""
        return tuple(v.name for v in self.variables)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SMSNode(Node):
    """Send a text message, then route on sent / failed.

    The message is exactly one of ``static_text`` (sent as written; the keyword every node uses for
    fixed text), ``prompt`` (the LLM writes it) or ``template``. The ``SendSMS`` tool calls the
    same choice ``text=``, after the tool's ``sms_content``.

    >>> SMSNode(name="sms", static_text="See you soon!").on_sent("bye").on_send_failed("bye").targets()
    (('sent edge', 'bye'), ('send-failed edge', 'bye'))
    """

    TYPE: ClassVar[str] = "sms"
    static_text: str | Prompt | Unset = UNSET
    prompt: str | Prompt | Unset = UNSET
    template: Literal["info_collection"] | Unset = UNSET
    to_number: str | Var | Unset = UNSET
    ignore_e164_validation: bool | Unset = UNSET
    sender: Literal["current_number", "retell_long_code"] | Unset = UNSET
    sent_to: str | Unset = UNSET
    send_failed_to: str | Unset = UNSET

    def _check(self) -> None:
        Node._check(self)
        content = {"static_text": self.static_text, "prompt": self.prompt, "template": self.template}
        check_sms_content(content, f"SMSNode {self.name!r}")
        one_of(self.sender, ("current_number", "retell_long_code"), f"SMSNode {self.name!r} sender")

    def on_sent(self, node: str) -> Self:
        """Where to go when the message was sent."""
        return self._replace(sent_to=node)

    def on_send_failed(self, node: str) -> Self:
        """Where to go when sending failed."""
        return self._replace(send_failed_to=node)

    def targets(self) -> tuple[tuple[str, str], ...]:
        out = []
        if self.sent_to is not UNSET:
            out.append(("sent edge", self.sent_to))
        if self.send_failed_to is not UNSET:
            out.append(("send-failed edge", self.send_failed_to))
        return tuple(out)
