"""Recording a simulated voice call on the emulator's :class:`~retell_dsl.emulator.engine_port.CallSession`.

The engine's log has the conversation's order and its clock's times (silences, tool and model
latency); speech itself takes no engine time. So the call's timeline is rebuilt while
recording: each utterance starts when its event happened (shifted by the speech before it),
lasts :func:`~retell_dsl.sim.outputs.speech_duration_ms` of its text, and the other side
answers :data:`TURN_GAP_MS` after it; the word timings come from :func:`~retell_dsl.sim.outputs.words`
on that timeline, and the emulator's clock is advanced to each event's time before it is
recorded (when the emulator's clock cannot be moved, events are recorded at its own times).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from retell_dsl.emulator.engine_port import CallSession
from retell_dsl.sim.events import Dtmf, Ended, Event, NodeTransition, ToolInvoked, ToolReturned, Utterance
from retell_dsl.sim.outputs import speech_duration_ms, words

__all__ = ["TURN_GAP_MS", "CallRecorder"]

#: The pause between one speaker's end and the next utterance (a response latency).
TURN_GAP_MS = 600


class CallRecorder:
    """Replays engine events onto a call session, keeping a speech-aware timeline."""

    def __init__(self, port: CallSession) -> None:
        self.port = port
        self.at_ms = 0  # the call time recorded so far
        self._shift = 0  # speech time added on top of the engine's clock
        self._movable = True

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
                self._shift += duration + TURN_GAP_MS
                self._move_to(event.at_ms + self._shift)
            elif isinstance(event, ToolInvoked):
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
            elif isinstance(event, Dtmf) and event.by == "user":
                self.port.dtmf(event.digit)

    def end(
        self,
        ended: Ended,
        *,
        collected_dynamic_variables: Mapping[str, str] | None,
        call_analysis: Mapping[str, Any] | None,
    ) -> None:
        """Hang up at the end's time."""
        self._move_to(ended.at_ms + self._shift)
        self.port.end(
            ended.reason, collected_dynamic_variables=collected_dynamic_variables, call_analysis=call_analysis
        )
