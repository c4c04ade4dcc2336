"""The emulator's copies of Retell wire facts about flows, tools and numbers, kept in one place.

These are facts of the Retell JSON (edge slots and their sentinel prompts, the tool-name
pattern, E.164), not emulator behaviour; they will be swapped for ``retell_dsl.wire``
once that package holds them, so nothing else in the emulator spells them out.

>>> [slot for slot, _ in edges_of({"edges": [{}], "else_edge": {}})]
['edges[0]', 'else_edge']
>>> sentinel_prompt("edge", "transfer_call")
'Transfer failed'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["E164", "EDGE_SLOTS", "ONLY_EDGE_SLOTS", "TOOL_NAME", "edges_of", "sentinel_prompt"]

#: An E.164 phone number: ``+`` then up to 15 digits, not starting with 0.
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
#: Tool and state names: letters, digits, ``_`` and ``-``, at most 64 characters.
TOOL_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
#: Single-edge slots of a node, besides the ``edges`` list.
EDGE_SLOTS = ("else_edge", "always_edge", "skip_response_edge", "edge", "success_edge", "failed_edge")
#: Slots that must be a node's only outgoing edge.
ONLY_EDGE_SLOTS = ("always_edge", "skip_response_edge")

_SENTINELS = {
    "else_edge": "Else",
    "always_edge": "Always",
    "skip_response_edge": "Skip response",
    "success_edge": "Sent successfully",
    "failed_edge": "Failed to send",
}
_FAILED_TRANSFER_TYPES = ("transfer_call", "agent_swap")


def edges_of(node: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """Every outgoing edge of a node with its slot path (``edges[0]``, ``else_edge``…)."""
    for j, edge in enumerate(node.get("edges") or []):
        yield f"edges[{j}]", edge
    for key in EDGE_SLOTS:
        edge = node.get(key)
        if isinstance(edge, Mapping):
            yield key, edge


def sentinel_prompt(slot: str, node_type: object) -> str | None:
    """The fixed prompt condition an edge slot must carry, or None when it is free."""
    if slot == "edge" and node_type in _FAILED_TRANSFER_TYPES:
        return "Transfer failed"
    return _SENTINELS.get(slot)
