"""Turn-level call lifecycle: what is recorded is what the call object reports (domain, facade and SDK)."""

from __future__ import annotations

from typing import Any

import pytest
import retell

from retell_dsl.emulator import Emulator, ManualClock
from retell_dsl.emulator.domain import lifecycle
from retell_dsl.emulator.errors import ApiError
from retell_dsl.emulator.store import Document


def _registered(emu: Emulator, call_id: str = "call_1") -> str:
    with emu.store.transaction():
        emu.store.put(
            "call",
            call_id,
            {"call_id": call_id, "call_status": "registered", "call_type": "web_call", "access_token": "t",
             "agent_id": "agent_1", "agent_version": 0},
        )  # fmt: skip
    return call_id


@pytest.fixture
def emu() -> Emulator:
    return Emulator(clock=ManualClock())


def _drive(emu: Emulator) -> Document:
    call_id = _registered(emu)
    state = emu.state
    lifecycle.start_call(state, call_id)
    lifecycle.append_utterance(state, call_id, "agent", "Hello there", words=[
        {"word": "Hello", "start": 0.0, "end": 0.4}, {"word": "there", "start": 0.4, "end": 0.8},
    ])  # fmt: skip
    emu.advance(1_500)
    lifecycle.append_utterance(state, call_id, "user", "Book a table")
    lifecycle.record_tool_call(state, call_id, "book", {"party": 4}, tool_call_id="t1")
    emu.advance(250)
    lifecycle.record_tool_result(state, call_id, "t1", '{"ok": true}', successful=True)
    lifecycle.record_node_transition(
        state, call_id, former_node_id="n1", former_node_name="Greet", new_node_id="n2", new_node_name="Book"
    )
    lifecycle.record_dtmf(state, call_id, "#")
    emu.advance(3_250)
    return lifecycle.end_call(state, call_id, disconnection_reason="user_hangup")


def test_the_call_object_is_derived_from_what_was_recorded(emu: Emulator) -> None:
    doc = _drive(emu)
    assert (doc["call_status"], doc["disconnection_reason"], doc["duration_ms"]) == ("ended", "user_hangup", 5_000)
    assert doc["transcript"] == "Agent: Hello there\nUser: Book a table"
    assert doc["transcript_object"] == [
        {"role": "agent", "content": "Hello there", "words": [
            {"word": "Hello", "start": 0.0, "end": 0.4}, {"word": "there", "start": 0.4, "end": 0.8}]},
        {"role": "user", "content": "Book a table", "words": []},
    ]  # fmt: skip
    assert [e["role"] for e in doc["transcript_with_tool_calls"]] == [
        "agent", "user", "tool_call_invocation", "tool_call_result", "node_transition", "dtmf",
    ]  # fmt: skip
    invocation = doc["transcript_with_tool_calls"][2]
    assert invocation == {"role": "tool_call_invocation", "tool_call_id": "t1", "name": "book",
                          "arguments": '{"party": 4}', "type": "custom"}  # fmt: skip
    assert doc["transcript_with_tool_calls"][5] == {"role": "dtmf", "digit": "#"}
    assert doc["_tool_calls"] == [{"name": "book", "type": "custom", "success": True, "latency_ms": 250}]
    assert not any(k.startswith("_") for e in doc["transcript_with_tool_calls"] for k in e)


def test_the_derived_shapes_are_what_the_sdk_reads(emu: Emulator) -> None:
    _drive(emu)
    got = emu.client(_strict_response_validation=True).call.retrieve("call_1")
    assert isinstance(got, retell.types.WebCallResponse)
    assert got.transcript_object is not None and got.transcript_object[1].words == []
    assert got.transcript_with_tool_calls is not None
    kinds = [type(item).__name__ for item in got.transcript_with_tool_calls]
    assert kinds[2:] == [
        "TranscriptWithToolCallToolCallInvocationUtterance",
        "TranscriptWithToolCallToolCallResultUtterance",
        "TranscriptWithToolCallNodeTransitionUtterance",
        "TranscriptWithToolCallDtmfUtterance",
    ]
    found = emu.client().call.list(filter_criteria={"tool_calls": [
        {"name": "book", "latency_ms": {"type": "number", "op": "ge", "value": 200}}]})  # fmt: skip
    assert [c.call_id for c in found.items] == ["call_1"]


def test_an_ongoing_call_shows_its_transcript_so_far(emu: Emulator) -> None:
    call_id = _registered(emu)
    emu.start_call(call_id)
    emu.append_utterance(call_id, "agent", "Hi")
    got = emu.client(_strict_response_validation=True).call.retrieve(call_id)
    assert (got.call_status, got.transcript) == ("ongoing", "Agent: Hi")


def test_end_call_invents_no_word_timings(emu: Emulator) -> None:
    """Regression: end_call used to make up 0.35 s per word for utterances given without words."""
    call_id = _registered(emu)
    emu.start_call(call_id)
    doc = emu.end_call(call_id, transcript_object=[{"role": "agent", "content": "Hello there"}])
    assert doc["transcript_object"] == [{"role": "agent", "content": "Hello there", "words": []}]
    assert doc["transcript_with_tool_calls"] == doc["transcript_object"]


def test_a_whole_transcript_at_the_end_still_works_and_must_agree(emu: Emulator) -> None:
    call_id = _registered(emu)
    emu.start_call(call_id)
    with_tools: list[dict[str, Any]] = [
        {"role": "agent", "content": "Hi", "words": []},
        {"role": "tool_call_invocation", "tool_call_id": "x", "name": "f", "arguments": "{}", "type": "custom"},
        {"role": "tool_call_result", "tool_call_id": "x", "content": "ok"},
    ]
    with pytest.raises(ApiError, match="transcript_object must be the utterances"):
        emu.end_call(
            call_id, transcript_object=[{"role": "user", "content": "?"}], transcript_with_tool_calls=with_tools
        )
    doc = emu.end_call(call_id, transcript_with_tool_calls=with_tools, tool_call_latency_ms={"x": 120})
    assert doc["transcript"] == "Agent: Hi"
    assert doc["_tool_calls"] == [{"name": "f", "type": "custom", "success": True, "latency_ms": 120}]


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        (lambda e, c: e.append_utterance(c, "robot", "x"), "role must be one of agent, user, transfer_target"),
        (lambda e, c: e.append_utterance(c, "agent", "a b", words=[{"word": "a", "start": 1, "end": 0.5}]),
         r"words\[0\]"),
        (lambda e, c: e.append_utterance(c, "agent", "a", words=[{"word": "a"}]), r"words\[0\] must be"),
        (lambda e, c: e.record_tool_result(c, "nope", "x"), "No tool call 'nope' was recorded"),
        (lambda e, c: e.record_dtmf(c, "12"), "digit must be one of"),
        (lambda e, c: e.record_node_transition(c, ("a", "A"), ("b", "B"), "sideways"), "transition_type"),
    ],
)  # fmt: skip
def test_bad_turns_are_refused_and_change_nothing(emu: Emulator, operation: Any, message: str) -> None:
    call_id = _registered(emu)
    emu.start_call(call_id)
    before = emu.dump()
    with pytest.raises(ApiError, match=message):
        operation(emu, call_id)
    assert emu.dump() == before


def test_tool_call_ids_are_minted_and_unique(emu: Emulator) -> None:
    call_id = _registered(emu)
    emu.start_call(call_id)
    emu.record_tool_call(call_id, "a", "{}", result="done", successful=False)
    doc = emu.record_tool_call(call_id, "b", {"x": 1})
    assert [e.get("tool_call_id") for e in doc["transcript_with_tool_calls"]] == ["tool_call_1"] * 2 + ["tool_call_2"]
    with pytest.raises(ApiError, match="already recorded"):
        emu.record_tool_call(call_id, "c", {}, tool_call_id="tool_call_2")
    with pytest.raises(ApiError, match="already has a result"):
        emu.record_tool_result(call_id, "tool_call_1", "again")


def test_turns_need_an_ongoing_call(emu: Emulator) -> None:
    call_id = _registered(emu)
    with pytest.raises(ApiError, match="its status is 'registered', not ongoing"):
        emu.append_utterance(call_id, "agent", "too early")
    emu.start_call(call_id)
    emu.append_utterance(call_id, "agent", "Bye")
    emu.end_call(call_id)
    with pytest.raises(ApiError, match="its status is 'ended', not ongoing"):
        emu.record_dtmf(call_id, "1")
    other = _registered(emu, "call_2")
    emu.start_call(other)
    emu.append_utterance(other, "user", "Hello?")
    with pytest.raises(ApiError, match="has recorded turns"):
        lifecycle.end_call(emu.state, other, transcript_object=[{"role": "agent", "content": "x"}])


def test_only_a_manual_clock_can_be_moved() -> None:
    with pytest.raises(TypeError, match="create the emulator with clock=ManualClock"):
        Emulator().advance(10)
    with pytest.raises(ValueError, match="non-negative"):
        Emulator(clock=ManualClock()).advance(-1)


def test_state_transitions_are_kept_beside_the_transcript_and_served_as_call_events(emu: Emulator) -> None:
    """Retell's call object has no state_transition item; the emulator's events route has them in order."""
    call_id = _registered(emu)
    lifecycle.start_call(emu.state, call_id)
    emu.record_state_transition(call_id, None, "confirm")
    emu.append_utterance(call_id, "agent", "Can you make it?")
    emu.record_state_transition(call_id, "confirm", "wrap_up")
    emu.end_call(call_id, disconnection_reason="agent_hangup")
    call = emu.client(_strict_response_validation=True).call.retrieve(call_id)
    assert [item.role for item in call.transcript_with_tool_calls or []] == ["agent"]
    expected = [
        {"role": "state_transition", "former_state_name": None, "new_state_name": "confirm"},
        {"role": "agent", "content": "Can you make it?", "words": []},
        {"role": "state_transition", "former_state_name": "confirm", "new_state_name": "wrap_up"},
    ]
    assert emu.call_events(call_id) == expected
    served = emu.client().get(f"/_emulator/calls/{call_id}/events", cast_to=object)
    assert served == {"call_id": call_id, "events": expected}
    with pytest.raises(retell.UnprocessableEntityError):
        emu.client(max_retries=0).get("/_emulator/calls/call_nope/events", cast_to=object)
    with pytest.raises(ApiError, match="new_state_name"):
        lifecycle.record_state_transition(emu.state, call_id, "wrap_up", "")
