"""The main agent's side of an agentic warm transfer: asking the transfer agent for its decision.

An ``agentic_warm_transfer`` puts the caller on hold while a transfer agent (an agent whose flow
has bridge / cancel transfer nodes, or whose Retell LLM has those tools) talks with the
transfer target and decides. A session given a :data:`TransferAgent` (``Session(transfer_agent=…)``,
for instance :func:`retell_dsl.sim.warm.transfer_agent`) asks it on every agentic warm
transfer of a phone call: ``bridge_transfer`` completes the transfer (the call ends with
``call_transfer``), ``cancel_transfer`` is a failed transfer (the caller is back with the main
agent: a flow takes the transfer node's failure edge, a Retell LLM gets a failed tool result).
Without one, the engine does not simulate the transfer agent and the transfer succeeds, as
every transfer of a phone call does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from retell_dsl.sim.models import Model
from retell_dsl.sim.runtime.config import CallFacts, Clock, Limits, WarmTransfer

__all__ = ["Decision", "TransferAgent", "TransferRequest"]

Decision = Literal["bridge_transfer", "cancel_transfer"]


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferRequest:
    """One agentic warm transfer to decide: where to, the transfer config, and the main call's context.

    ``agent_id`` / ``agent_version`` name the transfer agent (``transfer_agent`` of Retell's
    ``agentic_transfer_config``); ``model``, ``clock`` and ``limits`` are the main session's (the
    caller waits on hold on the same clock).
    """

    destination: str
    config: Mapping[str, Any] = field(default_factory=dict)
    facts: CallFacts = field(default_factory=CallFacts)
    model: Model | None = None
    clock: Clock | None = None
    limits: Limits = field(default_factory=Limits)

    @property
    def agent_id(self) -> str:
        """The transfer agent's id ('' when the config names none)."""
        agent = self.config.get("transfer_agent")
        return str(agent.get("agent_id") or "") if isinstance(agent, Mapping) else ""

    @property
    def agent_version(self) -> int | None:
        """The transfer agent's version, when a number."""
        agent = self.config.get("transfer_agent")
        version = agent.get("agent_version") if isinstance(agent, Mapping) else None
        if isinstance(version, str) and version.isdigit():
            return int(version)
        return version if isinstance(version, int) and not isinstance(version, bool) else None

    @property
    def leg(self) -> WarmTransfer:
        """The transfer agent's side of this transfer (timeout, action on timeout, the main call's id)."""
        return WarmTransfer.from_config(self.config, self.facts.call_id)


#: ``transfer_agent(request)``: run the transfer agent and return its decision.
TransferAgent = Callable[[TransferRequest], Awaitable[Decision]]
