"""Live control of a voice call on the local engine: :class:`LiveCaller` wraps the simulated caller.

The call's turns are recorded on the emulator as they happen (a
:class:`~retell_dsl.simulator.calls.RecordingLog`), so the call shows them while it is ongoing
and context injected by update-live-call lands in order. Before each of the caller's actions the
wrapper takes what update-live-call asked
(:meth:`~retell_dsl.emulator.engine_port.CallSession.live_control`) and applies it:

* overridden dynamic variables replace the session's values (what ``{{name}}`` sees from then on);
* ``trigger_response`` makes the agent speak next (:meth:`~retell_dsl.sim.runtime.Session.respond`),
  before the caller's next action (Retell: "the agent is nudged to produce another response"
  once it waits for the user; the local engine never interrupts a turn in progress);
* injected context is already on the call (an ``injected`` item); the local engine's model history
  is made of the conversation's turns only, so the agent does **not** see the injected text (not
  emulated: a model-written reply after ``trigger_response`` is written from the turns alone).
"""

from __future__ import annotations

from collections.abc import Sequence

from retell_dsl.emulator.engine_port import CallSession
from retell_dsl.sim.callers import Caller, CallerAction, Cue, EndAsError
from retell_dsl.sim.events import Event
from retell_dsl.sim.runtime import Session
from retell_dsl.simulator.calls import RecordingLog

__all__ = ["LiveCaller"]


class LiveCaller:
    """The caller of a live call: applies live control, then lets ``inner`` act.

    Once the emulator refused a turn (the call was stopped from outside) the caller stops the
    conversation instead (the refusal is raised by the call's owner).
    """

    def __init__(self, inner: Caller, session: Session, port: CallSession, log: RecordingLog) -> None:
        self.inner = inner
        self.session = session
        self.port = port
        self.log = log
        #: How many update-live-call ``trigger_response`` requests made the agent speak.
        self.triggered = 0

    async def apply_live_control(self) -> bool:
        """Apply what update-live-call asked since the last look; whether the agent spoke because of it."""
        control = self.port.live_control()
        if control.dynamic_variables is not None:
            self.session.core.values.update(control.dynamic_variables)
        if not control.trigger_response or self.session.ended is not None:
            return False
        self.triggered += 1
        await self.session.respond()
        return True

    async def next_action(self, events: Sequence[Event], cue: Cue) -> CallerAction:
        """Apply live control, then ask the wrapped caller (it sees the agent's triggered reply)."""
        if self.log.failure is not None:
            return EndAsError(f"the emulator stopped recording the call: {self.log.failure}")
        if await self.apply_live_control():
            cue = "agent_finished"
        return await self.inner.next_action(self.session.events, cue)
