"""Flow nodes that act: function, code, transfer, branch, agent swap, MCP, component, bridge/cancel.

>>> check = FunctionNode(name="check", tool="check_availability").to("offer", when="Slots are available")
>>> check.tool, check.wait_for_result
('check_availability', True)
>>> TransferNode(name="human", destination="+14155550100").on_transfer_failed("sorry").targets()
(('transfer-failed edge', 'sorry'),)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Literal, Self

from retell_dsl.builders.base import UNSET, Unset, require_str
from retell_dsl.builders.flow.base import Node, RoutedNode
from retell_dsl.builders.flow.talk import check_instruction
from retell_dsl.builders.prompt import Prompt
from retell_dsl.builders.tools.calls import check_agent_target, check_destination
from retell_dsl.builders.tools.transfer import ColdTransfer, Destination, TransferOption

if TYPE_CHECKING:
    from retell_dsl.builders.agent import Agent
    from retell_dsl.builders.flow.shared import SharedComponent

__all__ = [
    "AgentSwapNode",
    "BranchNode",
    "BridgeTransferNode",
    "CancelTransferNode",
    "CodeNode",
    "ComponentNode",
    "FunctionNode",
    "MCPNode",
    "TransferNode",
]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class _Acting(RoutedNode):
    prompt: str | Prompt | Unset = UNSET
    static_text: str | Prompt | Unset = UNSET
    speak_during_execution: bool | Unset = UNSET
    enable_typing_sound: bool | Unset = UNSET
    wait_for_result: bool = True

    def _check(self) -> None:
        RoutedNode._check(self)
        check_instruction(self, self.prompt, self.static_text, required=False)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class FunctionNode(_Acting):
    """Run a flow tool, named by its tool ``name`` (``shared=True`` for a shared tool id).

    ``tool=""`` is a draft Retell stores as is (no tool chosen yet): lint warns that the node fails
    when reached (RD111).

    >>> FunctionNode(name="lookup", tool="find_patient", wait_for_result=False).wait_for_result
    False
    >>> FunctionNode(name="draft", tool="").tool
    ''
    """

    TYPE: ClassVar[str] = "function"
    tool: str
    shared: bool = False

    def _check(self) -> None:
        _Acting._check(self)
        require_str(self.tool, f"FunctionNode {self.name!r} tool", allow_empty=True)  # "": a draft


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CodeNode(_Acting):
    """Run JavaScript; ``response_variables`` maps dynamic variables to result paths.

    ``code=""`` is a draft Retell stores as is: lint warns that the node fails when reached (RD111).

    >>> CodeNode(name="calc", code="return {total: 3}", response_variables={"total": "total"}).provides
    ('total',)
    """

    TYPE: ClassVar[str] = "code"
    code: str
    response_variables: Mapping[str, str] | Unset = UNSET
    timeout_ms: int | Unset = UNSET

    def _check(self) -> None:
        _Acting._check(self)
        require_str(self.code, f"CodeNode {self.name!r} code", allow_empty=True)  # "": a draft

    @property
    def provides(self) -> tuple[str, ...]:
        """Dynamic variables set from the result."""
        return () if self.response_variables is UNSET else tuple(self.response_variables)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class MCPNode(_Acting):
    """Call ``tool`` on the MCP server named ``mcp`` (declared on the flow).

    >>> MCPNode(name="search", mcp="docs", tool="search_docs").tool
    'search_docs'
    """

    TYPE: ClassVar[str] = "mcp"
    mcp: str
    tool: str
    response_variables: Mapping[str, str] | Unset = UNSET

    @property
    def provides(self) -> tuple[str, ...]:
        """Dynamic variables set from the result."""
        return () if self.response_variables is UNSET else tuple(self.response_variables)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class BranchNode(RoutedNode):
    """Route silently on conditions (usually equations); ``else_to`` is required.

    >>> from retell_dsl.builders.conditions import when
    >>> BranchNode(name="route").to("vip", when=when("tier").eq("gold")).otherwise("standard").else_to
    'standard'
    """

    TYPE: ClassVar[str] = "branch"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class TransferNode(Node):
    """Transfer the call; ``failed_to`` (or :meth:`on_transfer_failed`) is where to go if it fails.

    >>> TransferNode(name="t", destination="+14155550100").option
    ColdTransfer()
    """

    TYPE: ClassVar[str] = "transfer_call"
    TERMINAL: ClassVar[bool] = True
    destination: Destination
    extension: str | Unset = UNSET
    option: TransferOption = field(default_factory=ColdTransfer)
    failed_to: str | Unset = UNSET
    prompt: str | Prompt | Unset = UNSET
    static_text: str | Prompt | Unset = UNSET
    speak_during_execution: bool | Unset = UNSET
    custom_sip_headers: Mapping[str, str] | Unset = UNSET
    ignore_e164_validation: bool | Unset = UNSET

    def _check(self) -> None:
        Node._check(self)
        check_destination(self.destination, self.option, f"TransferNode {self.name!r}")
        check_instruction(self, self.prompt, self.static_text, required=False)

    def on_transfer_failed(self, node: str) -> Self:
        """Where to go when the transfer fails."""
        return self._replace(failed_to=node)

    def targets(self) -> tuple[tuple[str, str], ...]:
        return () if self.failed_to is UNSET else (("transfer-failed edge", self.failed_to),)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class AgentSwapNode(Node):
    """Hand the call to another agent; ``failed_to`` is where to go if the swap fails.

    >>> AgentSwapNode(name="to_billing", agent="agent_abc").TERMINAL
    True
    """

    TYPE: ClassVar[str] = "agent_swap"
    TERMINAL: ClassVar[bool] = True
    agent: Agent | str
    agent_version: int | str | Unset = UNSET
    post_call_analysis_setting: Literal["both_agents", "only_destination_agent"] = "both_agents"
    webhook_setting: Literal["both_agents", "only_destination_agent", "only_source_agent"] | Unset = UNSET
    keep_current_voice: bool | Unset = UNSET
    keep_current_language: bool | Unset = UNSET
    use_swap_agent_max_duration: bool | Unset = UNSET
    failed_to: str | Unset = UNSET
    prompt: str | Prompt | Unset = UNSET
    static_text: str | Prompt | Unset = UNSET
    speak_during_execution: bool | Unset = UNSET

    def _check(self) -> None:
        Node._check(self)
        check_agent_target(self.agent, f"AgentSwapNode {self.name!r}")
        check_instruction(self, self.prompt, self.static_text, required=False)

    def on_swap_failed(self, node: str) -> Self:
        """Where to go when the swap fails."""
        return self._replace(failed_to=node)

    def targets(self) -> tuple[tuple[str, str], ...]:
        return () if self.failed_to is UNSET else (("swap-failed edge", self.failed_to),)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ComponentNode(RoutedNode):
    """Run a component: a local one by name (see ``ConversationFlow.components``), a
    :class:`~retell_dsl.builders.flow.shared.SharedComponent` spec of the stack, or a shared id
    (``shared=True``).

    >>> ComponentNode(name="intake", component="collect_insurance").otherwise("done").shared
    False
    """

    TYPE: ClassVar[str] = "component"
    component: str | SharedComponent
    shared: bool = False

    def _check(self) -> None:
        RoutedNode._check(self)
        from retell_dsl.builders.flow.shared import SharedComponent

        if not isinstance(self.component, SharedComponent):
            require_str(self.component, f"ComponentNode {self.name!r} component")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class _TransferControlNode(Node):
    """What bridge and cancel nodes share: an optional line to say, and nothing after them."""

    TERMINAL: ClassVar[bool] = True
    prompt: str | Prompt | Unset = UNSET
    static_text: str | Prompt | Unset = UNSET
    speak_during_execution: bool | Unset = UNSET

    def _check(self) -> None:
        Node._check(self)
        check_instruction(self, self.prompt, self.static_text, required=False)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class BridgeTransferNode(_TransferControlNode):
    """Transfer flows only: bridge the waiting caller to the transfer target.

    >>> BridgeTransferNode(name="bridge").TYPE
    'bridge_transfer'
    """

    TYPE: ClassVar[str] = "bridge_transfer"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CancelTransferNode(_TransferControlNode):
    """Transfer flows only: cancel the transfer and return to the caller.

    >>> CancelTransferNode(name="cancel").TYPE
    'cancel_transfer'
    """

    TYPE: ClassVar[str] = "cancel_transfer"
