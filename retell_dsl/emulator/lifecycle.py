"""Call lifecycle operations, re-exported where callers have always imported them from.

The operations live in :mod:`retell_dsl.emulator.domain.lifecycle`; the
:class:`~retell_dsl.emulator.Emulator` facade offers the same as methods.
"""

from __future__ import annotations

from retell_dsl.emulator.domain.lifecycle import (
    append_utterance,
    end_call,
    fail_call,
    ongoing_count,
    record_dtmf,
    record_node_transition,
    record_tool_call,
    record_tool_result,
    render_transcript,
    start_call,
)

__all__ = [
    "append_utterance",
    "end_call",
    "fail_call",
    "ongoing_count",
    "record_dtmf",
    "record_node_transition",
    "record_tool_call",
    "record_tool_result",
    "render_transcript",
    "start_call",
]
