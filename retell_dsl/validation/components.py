"""Shared components: their graph rules, and component nodes that name one the stack lacks (RD110).

A ``ComponentNode`` enters a shared component through its spec (``component=<SharedComponent>``),
which the stack then deploys first, or through an existing remote id with ``shared=True``. A
``shared=True`` node whose ``component`` is not such an id names a component that is neither in the
stack nor in Retell: that is an error, with a hint to pass the spec.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from retell_dsl.builders.base import UNSET
from retell_dsl.builders.flow import ComponentNode, ConversationFlow, Node
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.stack import Resource
from retell_dsl.validation._collect import Collector, did_you_mean
from retell_dsl.validation.flow import _graph, check_tool_names
from retell_dsl.validation.issues import path

__all__ = ["COMPONENT_ID_PREFIX", "check_shared_component", "check_shared_references"]

COMPONENT_ID_PREFIX = "conversation_flow_component_"
"""How Retell's shared-component ids begin."""


def check_shared_component(c: Collector, comp: SharedComponent) -> None:
    """The graph rules of a flow (RD101-RD110, RD201/RD202), for one shared component."""
    where = f"component '{comp.name}'"
    check_tool_names(c, comp.tools, where)
    if comp.start_node is UNSET and comp.nodes:
        c.add(
            "RD106",
            where,
            "the component has no start node",
            at=comp,
            hint=f"call .start_at({comp.nodes[0].name!r}) or pass start_node=",
        )
    tools = {t.name for t in comp.tools}
    mcps = {m.name for m in comp.mcps}
    _graph(c, where, comp, comp.nodes, comp.start_node, tools, mcps, set())


def _component_nodes(resource: Resource) -> Iterator[tuple[str, ComponentNode]]:
    groups: list[tuple[str, Sequence[Node]]] = []
    if isinstance(resource, ConversationFlow):
        where = f"flow '{resource.name}'"
        groups.append((where, resource.nodes))
        groups += [(path(where, f"component '{comp.name}'"), comp.nodes) for comp in resource.components]
    elif isinstance(resource, SharedComponent):
        groups.append((f"component '{resource.name}'", resource.nodes))
    for where, nodes in groups:
        for node in nodes:
            if isinstance(node, ComponentNode):
                yield path(where, f"node '{node.name}'"), node


def check_shared_references(c: Collector, found: Mapping[str, list[Resource]]) -> None:
    """RD110: a ``shared=True`` component node whose component is neither a remote id nor a spec."""
    in_stack = {rs[0].name for rs in found.values() if isinstance(rs[0], SharedComponent)}
    for claims in found.values():
        for here, node in _component_nodes(claims[0]):
            name = node.component
            if not node.shared or not isinstance(name, str) or name.startswith(COMPONENT_ID_PREFIX):
                continue
            if name in in_stack:
                hint = f"pass the SharedComponent spec itself: ComponentNode(name={node.name!r}, component=<spec>)"
            else:
                hint = (
                    did_you_mean(name, in_stack)
                    + "define it as SharedComponent(name=...) and pass the spec as component=, "
                    f"or give an existing shared component's id ({COMPONENT_ID_PREFIX}...)"
                )
            c.add("RD110", here, f"shared component {name!r} is not in the stack", at=node, hint=hint)
