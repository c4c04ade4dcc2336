"""How the engine offers transitions to a model: one tool per edge, tagged with an :class:`EdgeTarget`.

**Retell LLM states** follow Retell's own rule (retell-runtime.md §4): each state edge is a
function named ``transition_to_<destination_state_name>`` whose ``parameters`` are the edge's.

**Conversation flows** use the same shape, which is this engine's convention (Retell does not
document how its model picks an edge): while choosing among a node's prompt-condition edges
(``purpose="prompt_condition"``) the engine offers one function per edge, named
``transition_to_<destination node name>`` (characters outside ``[A-Za-z0-9_-]`` become ``_``,
cut to 64; a repeated name gets ``_2``, ``_3``… in edge order), described by the edge's
condition, with no parameters, and ``tool_choice="auto"``: a call picks that edge, an answer
without a call (even an empty one) means no prompt condition holds (the else edge, or stay). Global nodes are
offered the same way, their condition as the description. Every tool carries an
:class:`EdgeTarget` (edge id, destination node id and name, or state), so a scripted
``Rule(...).transition("booking")`` finds its tool whatever the name became.

>>> tools = flow_edge_tools([
...     FlowEdge(edge_id="e1", condition="The caller wants to book", node_id="n2", node_name="Book a table"),
...     FlowEdge(edge_id="e2", condition="The caller wants to book again", node_id="n3", node_name="Book a table"),
... ])
>>> [t.name for t in tools], tools[1].target.edge_id
(['transition_to_Book_a_table', 'transition_to_Book_a_table_2'], 'e2')
>>> state_edge_tool("checkout", "Go to checkout").name
'transition_to_checkout'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from retell_dsl.sim.models.interface import EdgeTarget, ModelReply, ToolSchema

__all__ = ["TRANSITION_PREFIX", "FlowEdge", "chosen_target", "flow_edge_tools", "state_edge_tool"]

TRANSITION_PREFIX = "transition_to_"
_MAX_NAME = 64
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_NO_PARAMETERS: Mapping[str, Any] = {"type": "object", "properties": {}}


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowEdge:
    """A prompt-condition edge (or a global node's condition) the engine offers as a tool.

    >>> FlowEdge(edge_id="e1", condition="Wants to pay", node_id="n9").node_name is None
    True
    """

    edge_id: str | None
    condition: str
    node_id: str | None
    node_name: str | None = None


def _tool_name(label: str, taken: set[str]) -> str:
    base = (TRANSITION_PREFIX + (_UNSAFE.sub("_", label).strip("_") or "node"))[:_MAX_NAME]
    name, n = base, 1
    while name in taken:
        n += 1
        suffix = f"_{n}"
        name = base[: _MAX_NAME - len(suffix)] + suffix
    taken.add(name)
    return name


def flow_edge_tools(edges: Iterable[FlowEdge]) -> tuple[ToolSchema, ...]:
    """One transition tool per edge, in edge order (see the module docstring for the names).

    >>> flow_edge_tools([FlowEdge(edge_id="e1", condition="Done", node_id="n-end", node_name="End")])[0].name
    'transition_to_End'
    """
    taken: set[str] = set()
    tools: list[ToolSchema] = []
    for edge in edges:
        name = _tool_name(edge.node_name or edge.node_id or edge.edge_id or "node", taken)
        target = EdgeTarget(edge_id=edge.edge_id, node_id=edge.node_id, node_name=edge.node_name)
        tools.append(ToolSchema(name, edge.condition, _NO_PARAMETERS, target=target))
    return tuple(tools)


def state_edge_tool(state: str, description: str = "", parameters: Mapping[str, Any] | None = None) -> ToolSchema:
    """The ``transition_to_<state>`` function of a Retell LLM state edge (its ``parameters`` kept).

    >>> state_edge_tool("pay", parameters={"type": "object", "properties": {"n": {"type": "number"}}}).target
    EdgeTarget(edge_id=None, node_id=None, node_name=None, state='pay')
    """
    return ToolSchema(
        TRANSITION_PREFIX + state, description, dict(parameters or _NO_PARAMETERS), target=EdgeTarget(state=state)
    )


def chosen_target(tools: Iterable[ToolSchema], reply: ModelReply) -> EdgeTarget | None:
    """The target of the first transition tool ``reply`` calls, or ``None`` when it calls none.

    >>> from retell_dsl.sim.models.interface import ToolCall
    >>> tool = state_edge_tool("checkout")
    >>> chosen_target([tool], ModelReply(tool_calls=(ToolCall.of("transition_to_checkout"),)))
    EdgeTarget(edge_id=None, node_id=None, node_name=None, state='checkout')
    """
    by_name = {t.name: t.target for t in tools if t.target is not None}
    for call in reply.tool_calls:
        if call.name in by_name:
            return by_name[call.name]
    return None
