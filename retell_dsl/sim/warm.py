"""A transfer agent that really runs: the transfer agent's conversation with a simulated transfer target.

:class:`TransferAgentRunner` is a :data:`~retell_dsl.sim.runtime.TransferAgent` for
``Session(transfer_agent=...)``: on an agentic warm transfer it resolves the transfer agent
named by the ``agentic_transfer_config`` (``resolver``, as for agent swaps), opens its session
as an outbound phone call to the transfer destination with the transfer in progress
(:class:`~retell_dsl.sim.runtime.WarmTransfer`: its timeout and action on timeout), lets the
``target`` caller play the transfer target (:func:`~retell_dsl.sim.drive.converse`, bounded by
``max_turns`` and ``timeout_s``), and reads the decision from how that call ended:
``transfer_bridged`` → bridge, ``transfer_cancelled`` → cancel. Choices where Retell is silent:
a leg that stops before ending (the caller ran out of turns) takes the action on timeout; a leg
that ended any other way (the target hung up, the agent hung up, an engine error) cancels, so
the caller goes back to the main agent. The main session's model, clock (the caller waits on
hold while the leg runs) and limits are used unless ``model`` is given. Every leg's
:class:`~retell_dsl.sim.drive.Conversation` is kept in :attr:`TransferAgentRunner.legs`.
"""

from __future__ import annotations

from collections.abc import Callable

from retell_dsl.errors import InvalidArgument
from retell_dsl.sim.callers import Caller
from retell_dsl.sim.drive import Conversation, converse
from retell_dsl.sim.models import Model
from retell_dsl.sim.runtime import CallFacts, Decision, Resolver, Session, TransferRequest

__all__ = ["TransferAgentRunner"]


class TransferAgentRunner:
    """Decides agentic warm transfers by running the transfer agent against ``target`` (see the module docstring)."""

    def __init__(
        self,
        target: Caller | Callable[[TransferRequest], Caller],
        resolver: Resolver,
        *,
        model: Model | None = None,
        max_turns: int = 20,
        timeout_s: float = 60.0,
    ) -> None:
        if isinstance(max_turns, bool) or not isinstance(max_turns, int) or max_turns < 1:
            raise InvalidArgument(f"max_turns must be a whole number >= 1, got {max_turns!r}")
        if not timeout_s > 0:
            raise InvalidArgument(f"timeout_s must be positive, got {timeout_s!r}")
        self.target, self.resolver, self.model = target, resolver, model
        self.max_turns, self.timeout_s = max_turns, timeout_s
        self.legs: list[Conversation] = []

    def _caller(self, request: TransferRequest) -> Caller:
        target = self.target
        return target if isinstance(target, Caller) else target(request)

    async def __call__(self, request: TransferRequest) -> Decision:
        """Run the transfer agent's leg and return its decision."""
        engine = self.resolver(request.agent_id, request.agent_version) if request.agent_id else None
        if engine is None:
            raise InvalidArgument(
                f"the transfer agent {request.agent_id or '(none named)'!r} is not available "
                "(agentic_transfer_config.transfer_agent must name an agent the resolver knows)"
            )
        main = request.facts
        facts = CallFacts(
            call_type="phone_call",
            direction="outbound",
            call_id=f"{main.call_id}_transfer_{len(self.legs) + 1}",
            agent_id=request.agent_id,
            from_number=main.agent_number,
            to_number=request.destination,
            warm_transfer=request.leg,
        )
        session = Session(
            agent=engine.agent,
            engine=engine.engine,
            components=engine.components,
            model=self.model or request.model,
            facts=facts,
            clock=request.clock,
            limits=request.limits,
            resolver=self.resolver,
        )
        leg = await converse(session, self._caller(request), max_turns=self.max_turns, timeout_s=self.timeout_s)
        self.legs.append(leg)
        ended = session.ended
        if ended is None:
            return request.leg.action_on_timeout
        return "bridge_transfer" if ended.reason == "transfer_bridged" else "cancel_transfer"
