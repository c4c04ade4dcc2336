"""The structure of a conversation flow as Retell stores it: node lists, edge slots, sentinels.

A node holds its outgoing edges in a few fixed keys (retell-runtime.md §3): the list ``edges``
and the single-edge slots ``else_edge``, ``always_edge``, ``skip_response_edge``, ``edge``
(taken when a transfer call or an agent swap fails), ``success_edge`` and ``failed_edge`` (SMS).
The single slots other than ``else_edge`` carry a fixed prompt condition, the *sentinel*, that
Retell checks literally. Global nodes have go-back edges in
``global_node_setting.go_back_conditions``: they have no destination (they return to where the
caller came from). Local components (``components[i].nodes``) are node lists of their own.

Every function here reads plain wire JSON (dicts and lists) and never changes it.

>>> node = {"id": "greet", "type": "conversation", "else_edge": {"id": "greet.else",
...     "destination_node_id": "bye", "transition_condition": {"type": "prompt", "prompt": "Else"}}}
>>> [(e.path, e.edge["destination_node_id"]) for e in node_edges(node)]
[('else_edge', 'bye')]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

__all__ = [
    "ALWAYS",
    "EDGE_SLOTS",
    "ELSE",
    "SENTINELS",
    "SKIP_RESPONSE",
    "SMS_FAILED",
    "SMS_SENT",
    "TRANSFER_FAILED",
    "FlowEdge",
    "destinations",
    "flow_nodes",
    "go_back_edges",
    "is_sentinel",
    "node_edges",
    "sentinel_for",
]

ELSE = "Else"
ALWAYS = "Always"
SKIP_RESPONSE = "Skip response"
TRANSFER_FAILED = "Transfer failed"
SMS_SENT = "Sent successfully"
SMS_FAILED = "Failed to send"
#: Every fixed prompt condition of a single-edge slot.
SENTINELS = (ELSE, ALWAYS, SKIP_RESPONSE, TRANSFER_FAILED, SMS_SENT, SMS_FAILED)

#: The keys of a node that hold one edge each, in the order they are read.
EDGE_SLOTS = ("else_edge", "always_edge", "skip_response_edge", "edge", "success_edge", "failed_edge")

_SLOT_SENTINELS = {
    "else_edge": ELSE,
    "always_edge": ALWAYS,
    "skip_response_edge": SKIP_RESPONSE,
    "success_edge": SMS_SENT,
    "failed_edge": SMS_FAILED,
}
#: Node types whose single ``edge`` is the failure edge ("Transfer failed").
_FAILURE_EDGE_TYPES = ("transfer_call", "agent_swap")


class FlowEdge(NamedTuple):
    """One outgoing edge of a node: the key that holds it, its position in ``edges`` (else None), the edge."""

    slot: str
    position: int | None
    edge: Mapping[str, Any]

    @property
    def path(self) -> str:
        """Where the edge sits in its node: ``"edges[2]"`` or the slot key.

        >>> FlowEdge("edges", 2, {}).path, FlowEdge("else_edge", None, {}).path
        ('edges[2]', 'else_edge')
        """
        return f"{self.slot}[{self.position}]" if self.position is not None else self.slot


def sentinel_for(node_type: object, slot: str) -> str | None:
    """The fixed prompt condition Retell expects in ``slot`` of a node of ``node_type`` (None: no fixed one).

    >>> sentinel_for("sms", "success_edge"), sentinel_for("agent_swap", "edge"), sentinel_for("branch", "edges")
    ('Sent successfully', 'Transfer failed', None)
    """
    if slot == "edge":
        return TRANSFER_FAILED if node_type in _FAILURE_EDGE_TYPES else None
    return _SLOT_SENTINELS.get(slot)


def is_sentinel(condition: object) -> bool:
    """Whether a ``transition_condition`` is a prompt condition holding one of the fixed sentinels.

    >>> is_sentinel({"type": "prompt", "prompt": "Always"}), is_sentinel({"type": "prompt", "prompt": "always"})
    (True, False)
    """
    return isinstance(condition, Mapping) and condition.get("type") == "prompt" and condition.get("prompt") in SENTINELS


def node_edges(node: Mapping[str, Any]) -> Iterator[FlowEdge]:
    """Every outgoing edge of a node: ``edges`` in order, then the single-edge slots (go-back edges not included).

    Entries that are not JSON objects are skipped.

    >>> node = {"edges": [{"id": "a"}, {"id": "b"}], "edge": {"id": "c"}, "else_edge": None}
    >>> [e.path for e in node_edges(node)]
    ['edges[0]', 'edges[1]', 'edge']
    """
    edges = node.get("edges")
    for i, edge in enumerate(edges if isinstance(edges, list) else ()):
        if isinstance(edge, Mapping):
            yield FlowEdge("edges", i, edge)
    for slot in EDGE_SLOTS:
        edge = node.get(slot)
        if isinstance(edge, Mapping):
            yield FlowEdge(slot, None, edge)


def go_back_edges(node: Mapping[str, Any]) -> Iterator[FlowEdge]:
    """The go-back edges of a global node (``global_node_setting.go_back_conditions``); they have no destination.

    >>> node = {"global_node_setting": {"condition": "x", "go_back_conditions": [{"id": "go-back-0"}]}}
    >>> [e.path for e in go_back_edges(node)]
    ['go_back_conditions[0]']
    """
    setting = node.get("global_node_setting")
    backs = setting.get("go_back_conditions") if isinstance(setting, Mapping) else None
    for i, edge in enumerate(backs if isinstance(backs, list) else ()):
        if isinstance(edge, Mapping):
            yield FlowEdge("go_back_conditions", i, edge)


def destinations(node: Mapping[str, Any]) -> tuple[str, ...]:
    """The ``destination_node_id`` of every outgoing edge that has one, in edge order.

    >>> node = {"edges": [{"destination_node_id": "a"}, {"id": "open"}], "else_edge": {"destination_node_id": "b"}}
    >>> destinations(node)
    ('a', 'b')
    """
    out = (e.edge.get("destination_node_id") for e in node_edges(node))
    return tuple(str(d) for d in out if d is not None)


def flow_nodes(flow: Mapping[str, Any]) -> Iterator[tuple[int | None, Mapping[str, Any]]]:
    """``(component index, node)`` for every node of a flow: its own nodes (index None), then each local component's.

    Works for a flow and for a shared component (which has ``nodes`` and no ``components``).

    >>> flow = {"nodes": [{"id": "a"}], "components": [{"name": "c", "nodes": [{"id": "b"}]}]}
    >>> [(i, n["id"]) for i, n in flow_nodes(flow)]
    [(None, 'a'), (0, 'b')]
    """
    nodes = flow.get("nodes")
    for node in nodes if isinstance(nodes, list) else ():
        if isinstance(node, Mapping):
            yield None, node
    components = flow.get("components")
    for i, component in enumerate(components if isinstance(components, list) else ()):
        inner = component.get("nodes") if isinstance(component, Mapping) else None
        for node in inner if isinstance(inner, list) else ():
            if isinstance(node, Mapping):
                yield i, node
