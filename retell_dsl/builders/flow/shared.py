"""Shared conversation-flow components: sub-flows of their own, reused by several flows.

A :class:`SharedComponent` is a stack resource (address ``"component.<name>"``), deployed with
``create-conversation-flow-component`` before the flows that use it. A flow enters it through
``ComponentNode(component=<the SharedComponent spec>)``: the node compiles to a ``$ref:`` to the
component, resolved to its id at apply, and adding the flow to a Stack brings the component along.
(A local component, defined on one flow with ``ConversationFlow.component``, is a
:class:`~retell_dsl.builders.flow.flow.Component`; an existing shared component can still be named
by id: ``ComponentNode(component="conversation_flow_component_...", shared=True)``.)

>>> from retell_dsl.builders.flow.actions import ComponentNode
>>> from retell_dsl.builders.flow.talk import ConversationNode, EndNode
>>> insurance = (
...     SharedComponent(name="insurance")
...     .node(ConversationNode(name="ask", prompt="Ask for the insurer.").always("done"))
...     .node(EndNode(name="done"))
...     .start_at("ask")
... )
>>> node = ComponentNode(name="intake", component=insurance).otherwise("bye")
>>> node.component is insurance, insurance.start_node
(True, 'ask')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Self

from retell_dsl.builders.base import require_tuple_of
from retell_dsl.builders.engine import McpServer
from retell_dsl.builders.flow.flow import ComponentBody

if TYPE_CHECKING:
    from retell_dsl.builders.flow.flow import FlowTool

__all__ = ["SharedComponent"]


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SharedComponent(ComponentBody):
    """A conversation-flow component of its own, shared by flows. ``name`` is sent as ``name``."""

    def _check_more(self) -> None:
        require_tuple_of(self.mcps, McpServer, f"SharedComponent {self.name!r} mcps")

    def start_at(self, node: str) -> Self:
        """Name the start node."""
        return self._replace(start_node=node)

    def tool(self, *tools: FlowTool) -> Self:
        """Add tools (run by the component's function nodes, by name)."""
        return self._replace(tools=(*self.tools, *tools))

    def mcp(self, *servers: McpServer) -> Self:
        """Add MCP servers."""
        return self._replace(mcps=(*self.mcps, *servers))

    def with_extra(self, **fields: Any) -> Self:
        """Add API fields the DSL does not model (checked against the SDK schema by validate)."""
        return self._replace(extra={**self.extra, **fields})
