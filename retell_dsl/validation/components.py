"""Shared components: their graph rules, and component nodes that name one instead of passing it (RD110).

A ``ComponentNode`` enters a shared component through its spec (``component=<SharedComponent>``),
which the stack then deploys first, or through an existing remote id with ``shared=True``. Remote
ids are opaque, so a ``shared=True`` string is an error only where it cannot be an id: when it is
(or nearly is) the *name* of a shared component of the stack, whose id exists only after apply, or
when it holds whitespace, which no id does.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from retell_dsl.builders.flow import ComponentNode, ConversationFlow, Node
from retell_dsl.builders.flow.shared import SharedComponent
from retell_dsl.builders.stack import Resource
from retell_dsl.validation._collect import Collector, near_hint
from retell_dsl.validation.flow import check_graph
from retell_dsl.validation.issues import path
from retell_dsl.wire.hints import closest

__all__ = ["check_shared_component", "check_shared_references"]


def check_shared_component(c: Collector, comp: SharedComponent) -> None:
    """The graph rules of a flow (RD101-RD110, RD201/RD202), for one shared component."""
    tools = {t.name for t in comp.tools}
    mcps = {m.name for m in comp.mcps}
    check_graph(c, f"component '{comp.name}'", comp, tools, mcps, set())


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
    """RD110: a ``shared=True`` component node that names a shared component rather than passing it."""
    in_stack = {rs[0].name for rs in found.values() if isinstance(rs[0], SharedComponent)}
    for claims in found.values():
        for here, node in _component_nodes(claims[0]):
            name = node.component
            if not node.shared or not isinstance(name, str):
                continue
            spec = f"ComponentNode(name={node.name!r}, component=<the SharedComponent spec>)"
            if name in in_stack:
                message = f"component {name!r} names the stack's shared component; its id is known only after apply"
                hint = f"pass the spec itself: {spec}"
            elif closest(name, in_stack) or any(ch.isspace() for ch in name):
                message = f"shared component {name!r} is not in the stack"
                define = f"define it as SharedComponent(name=...) and pass it: {spec}"
                hint = near_hint(name, in_stack, f"{define}; or give an existing component's id")
            else:
                continue  # an existing component's remote id
            c.add("RD110", here, message, at=node, hint=hint)
