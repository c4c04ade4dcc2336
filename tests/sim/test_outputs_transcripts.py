"""A call's transcript shapes from hand-made logs: exact items, word timings, SDK validation."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from retell.types.web_call_response import TranscriptObject, TranscriptWithToolCallUtterance, WebCallResponse

from retell_dsl.sim.events import Dtmf, SmsSent, StateTransition, ToolInvoked, ToolReturned, Utterance
from retell_dsl.sim.outputs import (
    SpeakingRate,
    speech_duration_ms,
    transcript,
    transcript_object,
    transcript_with_tool_calls,
    word_spans,
    words,
)
from tests.sim.test_outputs_shapes import FLOW_CALL, strict_validate


def test_transcript_with_tool_calls_of_a_flow_call_is_exact() -> None:
    items = transcript_with_tool_calls(FLOW_CALL)
    greeting = items[0]
    assert greeting["role"] == "agent" and greeting["content"] == "Thanks for calling Bella. How can I help?"
    # 400 ms a word, 400 ms after "Bella.", starting at 0
    assert [w["word"] for w in greeting["words"]] == ["Thanks", "for", "calling", "Bella.", "How", "can", "I", "help?"]
    assert greeting["words"][3] == {"word": "Bella.", "start": 1.2, "end": 1.6}
    assert greeting["words"][4] == {"word": "How", "start": 2.0, "end": 2.4}
    # the user utterance carries its duration: modelled as 2200 ms (5 words, 200 ms after "two,"),
    # scaled into its 1500 ms, whole milliseconds rounded down
    user = items[1]
    assert user["words"][0] == {"word": "A", "start": 3.0, "end": 3.272}
    assert user["words"][-1] == {"word": "please.", "start": 4.227, "end": 4.5}
    assert items[2:5] == [
        {
            "role": "node_transition",
            "former_node_id": "greet",
            "former_node_name": "Greet",
            "new_node_id": "book",
            "new_node_name": "Book",
            "transition_type": "normal",
        },
        {
            "role": "tool_call_invocation",
            "tool_call_id": "t1",
            "name": "check_slots",
            "arguments": '{"people": 2}',
            "type": "custom",
        },
        {"role": "tool_call_result", "tool_call_id": "t1", "content": '{"slot": "19:00"}', "successful": True},
    ]
    assert items[6:8] == [
        {"role": "dtmf", "digit": "1"},
        {"role": "sms", "content": "Booked: 19:00 for 2", "time_sec": 8.2},
    ]
    strict_validate(
        WebCallResponse,
        {
            "access_token": "t",
            "agent_id": "a",
            "agent_version": 0,
            "call_id": "c",
            "call_status": "ended",
            "call_type": "web_call",
            "transcript_with_tool_calls": items,
            "transcript_object": transcript_object(FLOW_CALL),
        },
    )


def test_calls_have_no_state_transitions_and_no_agent_dtmf() -> None:
    log = [
        StateTransition(at_ms=0, former_state=None, new_state="intro"),
        Dtmf(at_ms=5, digit="3", by="agent"),
        Utterance(at_ms=10, role="agent", content="   "),
    ]
    assert transcript_with_tool_calls(log) == []
    assert transcript_object(log) == []
    assert transcript(log) == ""


def test_transfer_target_speaks_in_the_transcript() -> None:
    log = [Utterance(at_ms=0, role="transfer_target", content="Front desk.")]
    assert transcript(log) == "Transfer target: Front desk.\n"
    item = strict_validate(TranscriptObject, transcript_object(log)[0])
    assert item.role == "transfer_target"


def test_transcript_object_items_validate() -> None:
    for item in transcript_object(FLOW_CALL):
        strict_validate(TranscriptWithToolCallUtterance, item)


def test_speaking_rate_is_configurable_and_checked() -> None:
    slow = SpeakingRate(words_per_minute=60, clause_pause_ms=0, sentence_pause_ms=0)
    assert words("one two.", start_ms=0, rate=slow) == [
        {"word": "one", "start": 0.0, "end": 1.0},
        {"word": "two.", "start": 1.0, "end": 2.0},
    ]
    assert speech_duration_ms("a, b. c", SpeakingRate()) == 3 * 400 + 200 + 400
    with pytest.raises(ValueError, match="words_per_minute"):
        SpeakingRate(words_per_minute=0)
    with pytest.raises(ValueError, match="pauses"):
        SpeakingRate(clause_pause_ms=-1)


@given(
    text=st.lists(
        st.text(alphabet="abcdefghij,.?!;'", min_size=1, max_size=8).filter(str.strip), min_size=0, max_size=30
    ).map(" ".join),
    start=st.integers(min_value=0, max_value=10_000_000),
    duration=st.integers(min_value=0, max_value=60_000),
)
def test_word_timings_are_monotonic_and_inside_the_utterance(text: str, start: int, duration: int) -> None:
    spans = word_spans(text, start_ms=start, duration_ms=duration)
    assert [w for w, _, _ in spans] == text.split()
    end = start + (duration or speech_duration_ms(text))
    previous = start
    for _, s, e in spans:
        assert previous <= s <= e <= end
        previous = e
    if spans:
        assert spans[-1][2] == end
    item: dict[str, Any] = {"role": "user", "content": text or "x", "words": words(text, start_ms=start)}
    strict_validate(TranscriptObject, item)


def test_sms_time_is_in_seconds() -> None:
    assert transcript_with_tool_calls([SmsSent(at_ms=1234, content="hi", by="user")]) == [
        {"role": "sms", "content": "hi", "time_sec": 1.234}
    ]


def test_only_a_users_sms_is_an_sms_item_the_agents_shows_as_its_tool_call() -> None:
    log = [
        ToolInvoked(at_ms=10, tool_call_id="t1", name="Text code", type="send_sms", arguments='{"content": "Code 42"}'),
        SmsSent(at_ms=10, content="Code 42", to_number="+14155550111"),
        ToolReturned(at_ms=10, tool_call_id="t1", content="SMS sent."),
        SmsSent(at_ms=2000, content="Thanks!", by="user"),
    ]
    assert transcript_with_tool_calls(log) == [
        {
            "role": "tool_call_invocation",
            "tool_call_id": "t1",
            "name": "Text code",
            "arguments": '{"content": "Code 42"}',
            "type": "send_sms",
        },
        {"role": "tool_call_result", "tool_call_id": "t1", "content": "SMS sent.", "successful": True},
        {"role": "sms", "content": "Thanks!", "time_sec": 2.0},
    ]
