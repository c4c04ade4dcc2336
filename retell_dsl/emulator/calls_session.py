"""The emulator's :class:`~retell_dsl.emulator.engine_port.CallSession`: an engine records a call through it.

:func:`hold_call` hands one ongoing call to the configured engine and makes sure it ends:
the engine's own hang-up, else ``disconnection_reason`` when it returns, else ``error`` /
``error_retell`` when it raises (the exception propagates).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from retell_dsl.emulator.domain import lifecycle, live_control
from retell_dsl.emulator.domain.conversation import call_snapshot
from retell_dsl.emulator.engine_port import LiveControl
from retell_dsl.emulator.errors import ApiError
from retell_dsl.emulator.state import State
from retell_dsl.emulator.store import Document

__all__ = ["StoreCallSession", "advance_clock", "hold_call"]


def advance_clock(state: State, ms: int) -> None:
    """Move the emulator clock forward by ``ms``; only a clock with ``advance`` (e.g. ManualClock) can."""
    if isinstance(ms, bool) or not isinstance(ms, int) or ms < 0:
        raise ValueError(f"ms must be a non-negative integer, got {ms!r}")
    advance = getattr(state.clock, "advance", None)
    if advance is None:
        raise TypeError(
            f"the emulator's clock ({type(state.clock).__name__}) cannot be moved; "
            "create the emulator with clock=ManualClock() to control time"
        )
    advance(ms)


class StoreCallSession:
    """One ongoing call; each method is one turn-level lifecycle operation in its own transaction."""

    def __init__(self, state: State, call_id: str, caller: Mapping[str, Any] | None = None) -> None:
        self._state = state
        self.call_id = call_id
        self._caller = dict(caller) if caller is not None else None

    @property
    def caller(self) -> Mapping[str, Any] | None:
        """Who is on the other end, as JSON (see ``engine_port.CallSession.caller``); None: nobody."""
        return self._caller

    @property
    def call(self) -> Mapping[str, Any]:
        with self._state.store.transaction():
            doc: Document = self._state.require("call", self.call_id)
        return {k: v for k, v in doc.items() if not k.startswith("_")}

    @property
    def ended(self) -> bool:
        """Whether the call is no longer ongoing."""
        return self.call.get("call_status") != "ongoing"

    def say(self, role: str, content: str, *, words: Sequence[Mapping[str, Any]] | None = None) -> None:
        lifecycle.append_utterance(self._state, self.call_id, role, content, words=words)

    def tool_call(
        self, name: str, arguments: Mapping[str, Any] | str, *, type: str = "custom", tool_call_id: str | None = None
    ) -> str:
        doc = lifecycle.record_tool_call(
            self._state, self.call_id, name, arguments, type=type, tool_call_id=tool_call_id
        )
        return str(doc["_events"][-1]["tool_call_id"])

    def tool_result(self, tool_call_id: str, content: str, *, successful: bool | None = None) -> None:
        lifecycle.record_tool_result(self._state, self.call_id, tool_call_id, content, successful=successful)

    def transition(self, former: tuple[str, str], new: tuple[str, str], transition_type: str = "normal") -> None:
        lifecycle.record_node_transition(
            self._state,
            self.call_id,
            former_node_id=former[0],
            former_node_name=former[1],
            new_node_id=new[0],
            new_node_name=new[1],
            transition_type=transition_type,
        )

    def state_transition(self, former: str | None, new: str) -> None:
        lifecycle.record_state_transition(self._state, self.call_id, former, new)

    def dtmf(self, digit: str) -> None:
        lifecycle.record_dtmf(self._state, self.call_id, digit)

    def advance(self, ms: int) -> None:
        advance_clock(self._state, ms)

    def live_control(self) -> LiveControl:
        """Take what update-live-call queued for this call (see ``domain.live_control.take_live_control``)."""
        return live_control.take_live_control(self._state, self.call_id)

    def end(
        self,
        disconnection_reason: str,
        *,
        collected_dynamic_variables: Mapping[str, str] | None = None,
        call_analysis: Mapping[str, Any] | None = None,
        transfer_destination: str | None = None,
        latency: Mapping[str, Any] | None = None,
        call_cost: Mapping[str, Any] | None = None,
        llm_token_usage: Mapping[str, Any] | None = None,
    ) -> None:
        """Hang up (see ``engine_port.CallSession.end``).

        Without ``transfer_destination``, a transfer's destination is read from the last ``transfer_call``
        tool invocation.
        """
        lifecycle.end_call(
            self._state,
            self.call_id,
            disconnection_reason=disconnection_reason,
            collected_dynamic_variables=collected_dynamic_variables,
            call_analysis=call_analysis,
            transfer_destination=transfer_destination,
            latency=latency,
            call_cost=call_cost,
            llm_token_usage=llm_token_usage,
        )


def hold_call(
    state: State,
    call_id: str,
    caller: Mapping[str, Any] | None,
    *,
    disconnection_reason: str = "agent_hangup",
) -> Document:
    """Let the engine hold an ``ongoing`` call; end it if the engine did not. Returns the final call document."""
    engine = state.engine
    if engine is None:
        raise RuntimeError("no conversation engine is configured; create the emulator with Emulator(engine=...)")
    with state.store.transaction():
        snapshot = call_snapshot(state, state.require("call", call_id))
    session = StoreCallSession(state, call_id, caller)
    try:
        engine.run_call(snapshot, session)
    except ApiError:
        if not session.ended:
            lifecycle.fail_call(state, call_id, status="error", disconnection_reason="error_retell")
            raise
        # the call was ended from outside (stop-call) while the engine was still talking: that is no error
    except BaseException:
        if not session.ended:
            lifecycle.fail_call(state, call_id, status="error", disconnection_reason="error_retell")
        raise
    if not session.ended:
        lifecycle.end_call(state, call_id, disconnection_reason=disconnection_reason)
    with state.store.transaction():
        return state.require("call", call_id)
