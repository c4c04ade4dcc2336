"""Small builders of wire JSON for the runtime tests (plain dicts, as Retell stores them)."""

from __future__ import annotations

import asyncio
from typing import Any

from retell_dsl.sim.events import Event, ModelUsed
from retell_dsl.sim.models import Model, NoModel
from retell_dsl.sim.runtime import CallFacts, Limits, ManualClock, Session

__all__ = [
    "BYE",
    "LOOKUP",
    "MOCK",
    "PHONE",
    "always",
    "edge",
    "else_",
    "eq",
    "flow",
    "node",
    "prompt",
    "run",
    "run_without_models",
    "session",
    "static",
]


def static(text: str) -> dict[str, str]:
    """A static-text instruction."""
    return {"type": "static_text", "text": text}


def prompt(text: str) -> dict[str, str]:
    """A prompt instruction."""
    return {"type": "prompt", "text": text}


def eq(left: str, op: str, right: str | None = None) -> dict[str, Any]:
    """A one-comparison equation condition."""
    comparison = {"left": left, "operator": op} | ({"right": right} if right is not None else {})
    return {"type": "equation", "operator": "&&", "equations": [comparison]}


def edge(eid: str, dest: str, condition: dict[str, Any] | str) -> dict[str, Any]:
    """An edge; a string condition is a prompt."""
    cond = {"type": "prompt", "prompt": condition} if isinstance(condition, str) else condition
    return {"id": eid, "destination_node_id": dest, "transition_condition": cond}


def else_(eid: str, dest: str) -> dict[str, Any]:
    """An else edge."""
    return edge(eid, dest, "Else")


def always(eid: str, dest: str) -> dict[str, Any]:
    """An always edge."""
    return edge(eid, dest, "Always")


def node(nid: str, kind: str = "conversation", **fields: Any) -> dict[str, Any]:
    """A node named like its id."""
    return {"id": nid, "type": kind, "name": nid, **fields}


def flow(*nodes: dict[str, Any], start: str | None = None, **fields: Any) -> dict[str, Any]:
    """A flow starting at its first node, the agent speaking first."""
    return {"start_speaker": "agent", "start_node_id": start or nodes[0]["id"], "nodes": list(nodes), **fields}


def session(engine: dict[str, Any], model: Model | None = None, **kwargs: Any) -> Session:
    """A session with a manual clock and no model unless given."""
    kwargs.setdefault("clock", ManualClock())
    kwargs.setdefault("facts", CallFacts())
    kwargs.setdefault("limits", Limits(turn_timeout_s=60))
    return Session(agent=kwargs.pop("agent", {}), engine=engine, model=model or NoModel(), **kwargs)


def run(s: Session, *turns: str, skip: tuple[type[Event], ...] = ()) -> list[Event]:
    """Start ``s``, say each user turn, and return every event but those of the ``skip`` types."""

    async def go() -> list[Event]:
        out = list(await s.start())
        for turn in turns:
            out += await s.user_says(turn)
        return [e for e in out if not isinstance(e, skip)]

    return asyncio.run(go())


def run_without_models(s: Session, *turns: str) -> list[Event]:
    """:func:`run`, leaving out the ``ModelUsed`` events."""
    return run(s, *turns, skip=(ModelUsed,))


PHONE = CallFacts(call_type="phone_call", from_number="+14155550111", to_number="+14155550100")
"""An inbound phone call."""

LOOKUP = {
    "type": "custom",
    "tool_id": "t1",
    "name": "lookup",
    "url": "https://tools.example/l",
    "response_variables": {"status": "s"},
}
"""A custom tool that sets ``status`` from the response's ``s``."""

MOCK = [{"tool_name": "lookup", "input_match_rule": {"type": "any"}, "output": '{"s": "ok"}'}]
"""A tool mock answering every ``lookup`` call with ``{"s": "ok"}``."""

BYE = node("bye", "end", instruction=static("Bye"))
"""An end node saying "Bye"."""


# -- expected events (all at_ms=0 under a ManualClock that nobody advances) -----------------
from retell_dsl.sim.events import (  # noqa: E402
    Ended,
    NodeTransition,
    ToolInvoked,
    ToolReturned,
    TransitionType,
    Utterance,
    VariablesSet,
)


def moved(
    former: str, new: str, edge_id: str | None = None, kind: TransitionType = "normal", comp: str | None = None
) -> NodeTransition:
    """An expected node transition between nodes named like their ids (``begin`` for the opening)."""
    return NodeTransition(
        at_ms=0,
        former_node_id=former,
        former_node_name=former,
        new_node_id=new,
        new_node_name=new,
        transition_type=kind,
        component_id=comp,
        edge_id=edge_id,
    )


def agent(text: str, node_id: str | None = None, state: str | None = None) -> Utterance:
    """An expected agent utterance."""
    return Utterance(at_ms=0, role="agent", content=text, node_id=node_id, state=state)


def user(text: str) -> Utterance:
    """An expected user utterance."""
    return Utterance(at_ms=0, role="user", content=text)


def invoked(
    call_id: str, name: str, kind: str, args: str = "{}", *, node_id: str | None = None, state: str | None = None
) -> ToolInvoked:
    """An expected tool invocation."""
    return ToolInvoked(
        at_ms=0, tool_call_id=call_id, name=name, type=kind, arguments=args, node_id=node_id, state=state
    )


def returned(
    call_id: str, content: str, ok: bool = True, source: str = "none", error: str | None = None
) -> ToolReturned:
    """An expected tool result."""
    return ToolReturned(at_ms=0, tool_call_id=call_id, content=content, successful=ok, source=source, error=error)


def vars_set(source: str, **values: str) -> VariablesSet:
    """Expected variables."""
    return VariablesSet(at_ms=0, values=values, source=source)


def ended(reason: str) -> Ended:
    """The expected end."""
    return Ended(at_ms=0, reason=reason)
