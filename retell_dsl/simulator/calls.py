"""Recording a simulated voice call on the emulator's :class:`~retell_dsl.emulator.engine_port.CallSession`.

The engine's log has the conversation's order and its clock's times (silences, tool and model
latency); speech itself takes no engine time. So the call's timeline is rebuilt while
recording: each utterance starts when its event happened (shifted by the speech before it),
lasts :func:`~retell_dsl.sim.outputs.speech_duration_ms` of its text, and the other side
answers :data:`TURN_GAP_MS` after it; the word timings come from :func:`~retell_dsl.sim.outputs.words`
on that timeline, and the emulator's clock is advanced to each event's time before it is
recorded (when the emulator's clock cannot be moved, events are recorded at its own times).

The rebuilt timeline is kept (:attr:`CallRecorder.timeline`, the events at their call times with
each utterance's duration) and the call's ``latency``, ``call_cost`` and ``llm_token_usage`` are
derived from it at the end (:mod:`retell_dsl.sim.outputs`: e2e is the turn gap, so
:data:`TURN_GAP_MS` plus the model's time; the cost follows the documented price table, an
estimate). On an emulator whose clock cannot be moved, ``duration_ms`` is wall time while these
follow the simulated timeline, like the word timings.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from retell_dsl.emulator.engine_port import CallSession
from retell_dsl.sim.events import (
    Dtmf,
    Ended,
    Event,
    EventLog,
    ModelUsed,
    NodeTransition,
    StateTransition,
    ToolInvoked,
    ToolReturned,
    Utterance,
)
from retell_dsl.sim.outputs import call_cost, latency, llm_token_usage, speech_duration_ms, transfer_destination, words

__all__ = ["TURN_GAP_MS", "CallRecorder", "RecordingLog"]

#: The pause between one speaker's end and the next utterance (a response latency).
TURN_GAP_MS = 600


def _dynamic_opening(log: Iterable[Event]) -> bool:
    """Whether the agent spoke first with a model-written message (Retell bills at least 10 seconds then)."""
    for event in log:
        if isinstance(event, ModelUsed) and event.purpose == "reply":
            return True
        if isinstance(event, Utterance):
            return False
    return False


class RecordingLog(EventLog):
    """An event log that records each event on the call as it is appended (the end excepted).

    The first error of the call's side (e.g. the call was stopped from outside) stops the
    recording; it is kept in :attr:`failure` for the owner to raise once the session is done.
    """

    __slots__ = ("failure", "recorder")

    def __init__(self, recorder: CallRecorder) -> None:
        super().__init__()
        self.recorder = recorder
        self.failure: Exception | None = None

    def append(self, event: Event) -> None:
        """Append, then record on the call."""
        super().append(event)
        if self.failure is None and not isinstance(event, Ended):
            try:
                self.recorder.record((event,))
            except Exception as exc:  # the emulator refused: the session goes on, the owner raises it
                self.failure = exc


class CallRecorder:
    """Replays engine events onto a call session, keeping a speech-aware timeline."""

    def __init__(self, port: CallSession) -> None:
        self.port = port
        self.at_ms = 0  # the call time recorded so far
        self._shift = 0  # speech time added on top of the engine's clock
        self._movable = True
        #: The events recorded so far at their call times (utterances with their durations).
        self.timeline: list[Event] = []

    def _move_to(self, ms: int) -> None:
        if ms > self.at_ms:
            if self._movable:
                try:
                    self.port.advance(ms - self.at_ms)
                except TypeError:  # the emulator runs on the wall clock: record at its own times
                    self._movable = False
            self.at_ms = ms

    def record(self, events: Iterable[Event]) -> None:
        """Record every event except the end (see :meth:`end`)."""
        for event in events:
            self._move_to(event.at_ms + self._shift)
            if isinstance(event, Utterance):
                if not event.content.strip():
                    continue
                duration = event.duration_ms or speech_duration_ms(event.content)
                timed = words(event.content, start_ms=self.at_ms, duration_ms=duration)
                self.port.say(event.role, event.content, words=timed)
                self.timeline.append(dataclasses.replace(event, at_ms=self.at_ms, duration_ms=duration))
                self._shift += duration + TURN_GAP_MS
                self._move_to(event.at_ms + self._shift)
                continue
            self.timeline.append(dataclasses.replace(event, at_ms=self.at_ms))
            if isinstance(event, ToolInvoked):
                arguments: Any = event.arguments
                try:
                    parsed = json.loads(event.arguments)
                    arguments = parsed if isinstance(parsed, dict) else event.arguments
                except ValueError:
                    pass
                self.port.tool_call(event.name, arguments, type=event.type, tool_call_id=event.tool_call_id)
            elif isinstance(event, ToolReturned):
                self.port.tool_result(event.tool_call_id, event.content, successful=event.successful)
            elif isinstance(event, NodeTransition):
                self.port.transition(
                    (event.former_node_id, event.former_node_name),
                    (event.new_node_id, event.new_node_name),
                    event.transition_type,
                )
            elif isinstance(event, StateTransition):
                self.port.state_transition(event.former_state, event.new_state)
            elif isinstance(event, Dtmf) and event.by == "user":
                self.port.dtmf(event.digit)

    def end(
        self,
        ended: Ended,
        *,
        collected_dynamic_variables: Mapping[str, str] | None,
        call_analysis: Mapping[str, Any] | None,
        llm_model: str | None,
        call_type: Literal["web_call", "phone_call"],
    ) -> None:
        """Hang up at the end's time, with the call's transfer destination, latency, cost and token usage."""
        self._move_to(ended.at_ms + self._shift)
        self.timeline.append(dataclasses.replace(ended, at_ms=self.at_ms))
        log = self.timeline
        self.port.end(
            ended.reason,
            collected_dynamic_variables=collected_dynamic_variables,
            call_analysis=call_analysis,
            transfer_destination=transfer_destination(log),
            latency=latency(log) or None,
            call_cost=call_cost(log, llm_model=llm_model, call_type=call_type, dynamic_opening=_dynamic_opening(log)),
            llm_token_usage=llm_token_usage(log),
        )
