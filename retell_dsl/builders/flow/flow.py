"""The conversation-flow response engine and its local components.

>>> from retell_dsl.builders.flow.talk import ConversationNode, EndNode
>>> flow = (
...     ConversationFlow(name="booking", start_speaker="agent", model="gpt-4.1")
...     .prompt("You are the receptionist of {{clinic}}.")
...     .node(ConversationNode(name="greet", prompt="Greet the caller.").always("bye"))
...     .node(EndNode(name="bye", static_text="Goodbye!"))
...     .start_at("greet")
...     .defaults(clinic="Acme Dental")
... )
>>> [n.name for n in flow.nodes], flow.start_node
(['greet', 'bye'], 'greet')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Self

from retell_dsl.builders.base import UNSET, FrozenMap, Spec, Unset, require_mapping, require_str, require_tuple_of
from retell_dsl.builders.engine import EngineSugar, McpServer, ModelTier, check_engine
from retell_dsl.builders.flow.base import Node
from retell_dsl.builders.prompt import Prompt
from retell_dsl.builders.tools.functions import FLOW_TOOL_TYPES, CustomTool, IntegrationAppTool

if TYPE_CHECKING:
    from retell_dsl.builders.kb import KnowledgeBase

__all__ = ["Component", "ComponentBody", "ConversationFlow", "FlowTool"]

FlowTool = CustomTool | IntegrationAppTool
"""Tools declared on a flow (or component) and run by function nodes."""


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ComponentBody(Spec):
    """What a local :class:`Component` and a shared component both hold: nodes, a start node, tools, MCPs."""

    name: str
    nodes: tuple[Node, ...] = ()
    start_node: str | Unset = UNSET
    tools: tuple[FlowTool, ...] = ()
    mcps: tuple[McpServer, ...] = ()
    flex_mode: bool | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        kind = type(self).__name__
        require_str(self.name, f"{kind} name")
        require_tuple_of(self.nodes, Node, f"{kind} {self.name!r} nodes")
        require_tuple_of(self.tools, FLOW_TOOL_TYPES, f"{kind} {self.name!r} tools")
        self._check_more()
        require_mapping(self.extra, f"{kind} {self.name!r} extra=")

    def _check_more(self) -> None:
        """Checks a kind adds (between its tools and its ``extra=``)."""

    def node(self, *nodes: Node) -> Self:
        """Add nodes."""
        return self._replace(nodes=(*self.nodes, *nodes))


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class Component(ComponentBody):
    """A reusable sub-flow local to one conversation flow; entered through a ``ComponentNode``.

    >>> from retell_dsl.builders.flow.talk import EndNode
    >>> c = Component(name="insurance", nodes=(EndNode(name="done"),), start_node="done")
    >>> c.start_node
    'done'
    """


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class ConversationFlow(Spec, EngineSugar):
    """A conversation flow. ``name`` is its logical name in a :class:`Stack` (not sent)."""

    name: str
    start_speaker: Literal["user", "agent"] = "agent"
    nodes: tuple[Node, ...] = ()
    start_node: str | Unset = UNSET
    global_prompt: str | Prompt | Unset = UNSET
    model: str | Unset = UNSET
    s2s_model: str | Unset = UNSET
    temperature: float | Unset = UNSET
    model_tier: ModelTier | Unset = UNSET
    backup_model: str | Unset | None = UNSET
    tools: tuple[FlowTool, ...] = ()
    components: tuple[Component, ...] = ()
    knowledge_bases: tuple[KnowledgeBase | str, ...] = ()
    kb_top_k: int | Unset = UNSET
    kb_filter_score: float | Unset = UNSET
    default_variables: Mapping[str, str] = field(default_factory=FrozenMap)
    mcps: tuple[McpServer, ...] = ()
    begin_after_user_silence_ms: int | Unset = UNSET
    tool_call_strict_mode: bool | Unset = UNSET
    flex_mode: bool | Unset = UNSET
    extra: Mapping[str, Any] = field(default_factory=FrozenMap)

    def _check(self) -> None:
        require_str(self.name, "ConversationFlow name")
        check_engine(self, f"ConversationFlow {self.name!r}")
        require_tuple_of(self.nodes, Node, f"ConversationFlow {self.name!r} nodes")
        require_tuple_of(self.tools, FLOW_TOOL_TYPES, f"ConversationFlow {self.name!r} tools")
        require_tuple_of(self.components, Component, f"ConversationFlow {self.name!r} components")

    # ------------------------------------------------------------------ fluent sugar
    def prompt(self, text: str | Prompt) -> Self:
        """Set the global prompt (prepended to every node)."""
        return self._replace(global_prompt=text)

    def node(self, *nodes: Node) -> Self:
        """Add nodes."""
        return self._replace(nodes=(*self.nodes, *nodes))

    def with_nodes(self, *nodes: Node) -> Self:
        """Replace all nodes."""
        return self._replace(nodes=nodes)

    def start_at(self, node: str) -> Self:
        """Name the start node."""
        return self._replace(start_node=node)

    def tool(self, *tools: FlowTool) -> Self:
        """Add flow tools (run by function nodes, by name)."""
        return self._replace(tools=(*self.tools, *tools))

    def with_tools(self, *tools: FlowTool) -> Self:
        """Replace the flow tools (as ``RetellLLM.with_tools`` replaces the general tools)."""
        return self._replace(tools=tools)

    def component(self, *components: Component) -> Self:
        """Add local components."""
        return self._replace(components=(*self.components, *components))

    def find(self, name: str) -> Node | None:
        """The first node called ``name``."""
        return next((n for n in self.nodes if n.name == name), None)
