"""Choosing a conversation-flow node's next edge (retell-runtime.md §3, "Edges").

Order, first that applies wins:

1. the node's **equation** edges (``edges`` in array order; an ``equation_prompt`` condition
   whose equations hold counts as one);
2. on a user turn, **global nodes** whose condition is an equation that holds (flow order);
3. the **prompt conditions**, decided by one model call (``purpose="prompt_condition"``): the
   node's prompt edges (an ``always_edge`` node has none), then, on a user turn, the go-back
   edges of the global node the caller is in, then every eligible global node's prompt
   condition; the model picks one ``transition_to_…`` tool or none
   (:mod:`retell_dsl.sim.models.transitions`). Combining the node's edges and the global
   conditions in one call is this engine's choice (Retell does not document how it does it);
4. ``always_edge`` (after a user turn), then ``else_edge``.

No prompt condition in play means no model call: equations, always and else edges run offline.
A global node is eligible unless the caller is in it, or it fired fewer than its ``cool_down``
transitions ago (an unset ``cool_down`` is 0; the dashboard writes 3).

>>> edge = {"id": "e1", "destination_node_id": "b",
...         "transition_condition": {"type": "equation", "operator": "&&",
...                                  "equations": [{"left": "{{n}}", "operator": ">", "right": "2"}]}}
>>> equation_holds(edge["transition_condition"], {"n": "3"}), prompt_of(edge["transition_condition"])
(True, None)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from retell_dsl.sim.events import TransitionType
from retell_dsl.wire.equations import evaluate
from retell_dsl.wire.flow import is_sentinel

__all__ = ["Candidate", "Go", "equation_holds", "prompt_of"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Go:
    """A transition to take: the edge's id, the destination (``None`` for go-back) and its kind."""

    edge_id: str | None
    destination: str | None
    kind: TransitionType = "normal"


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """A prompt condition offered to the model, and the transition it leads to."""

    condition: str
    go: Go
    node_name: str | None


def equation_holds(condition: Mapping[str, Any], variables: Mapping[str, str | None]) -> bool:
    """Whether an ``equation`` / ``equation_prompt`` condition's equations hold (prompt conditions never do).

    An ``equation_prompt`` without equations holds only through its prompt.

    >>> equation_holds({"type": "equation_prompt", "operator": "&&", "equations": []}, {})
    False
    """
    kind = condition.get("type")
    if kind not in ("equation", "equation_prompt"):
        return False
    return evaluate(condition, variables)


def prompt_of(condition: object) -> str | None:
    """The prompt a condition asks the model about (``None``: none; sentinels are not prompts).

    >>> prompt_of({"type": "prompt", "prompt": "Wants to pay"}), prompt_of({"type": "prompt", "prompt": "Else"})
    ('Wants to pay', None)
    >>> prompt_of("The caller asks for a human")
    'The caller asks for a human'
    """
    if isinstance(condition, str):
        return condition or None
    if not isinstance(condition, Mapping) or is_sentinel(condition):
        return None
    if condition.get("type") == "prompt":
        return str(condition.get("prompt") or "") or None
    nested = condition.get("prompt_condition")
    if condition.get("type") == "equation_prompt" and isinstance(nested, Mapping):
        return str(nested.get("prompt") or "") or None
    return None
