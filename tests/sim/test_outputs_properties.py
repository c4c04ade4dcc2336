"""Properties of the output functions over generated event logs: total, deterministic, SDK-valid."""

from __future__ import annotations

import itertools
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from retell.types.chat_response import ChatResponse
from retell.types.web_call_response import WebCallResponse

from retell_dsl.sim.events import (
    Dtmf,
    Ended,
    EngineFailed,
    Event,
    ModelUsed,
    NodeTransition,
    SmsSent,
    Speaker,
    StateTransition,
    ToolInvoked,
    ToolReturned,
    Utterance,
    VariablesSet,
)
from retell_dsl.sim.outputs import call_fields, chat_fields
from tests.sim.test_outputs_shapes import CHAT, ERRORED_CALL, FLOW_CALL, NEVER_CONNECTED, START, strict_validate

ROLES: tuple[Speaker, ...] = ("agent", "user", "transfer_target")
PRESSERS: tuple[Literal["user", "agent"], ...] = ("user", "agent")
_text = st.text(alphabet="abc xyz,.?!'", max_size=40)
_name = st.sampled_from(["greet", "book", "end", "refunds"])


def _event(kind: str, at_ms: int, draw: st.DrawFn) -> Event:
    if kind == "utterance":
        role = draw(st.sampled_from(ROLES))
        return Utterance(at_ms=at_ms, role=role, content=draw(_text), duration_ms=draw(st.integers(0, 5000)))
    if kind == "invoke":
        return ToolInvoked(at_ms=at_ms, tool_call_id=draw(_name), name=draw(_name), type="custom", arguments="{}")
    if kind == "result":
        return ToolReturned(at_ms=at_ms, tool_call_id=draw(_name), content=draw(_text), successful=draw(st.booleans()))
    if kind == "node":
        a, b = draw(_name), draw(_name)
        return NodeTransition(at_ms=at_ms, former_node_id=a, former_node_name=a, new_node_id=b, new_node_name=b)
    if kind == "state":
        return StateTransition(at_ms=at_ms, former_state=draw(st.none() | _name), new_state=draw(_name))
    if kind == "dtmf":
        return Dtmf(
            at_ms=at_ms, digit=draw(st.sampled_from("0123456789*#")), by=draw(st.sampled_from(["user", "agent"]))
        )
    if kind == "sms":
        return SmsSent(at_ms=at_ms, content=draw(_text))
    if kind == "variables":
        return VariablesSet(at_ms=at_ms, values=draw(st.dictionaries(_name, _text, max_size=2)))
    return ModelUsed(
        at_ms=at_ms,
        purpose=draw(st.sampled_from(["reply", "extraction", "persona"])),
        latency_ms=draw(st.integers(0, 3000)),
        prompt_tokens=draw(st.integers(0, 8000)),
        completion_tokens=draw(st.integers(0, 500)),
    )


@st.composite
def logs(draw: st.DrawFn) -> list[Event]:
    kinds = draw(
        st.lists(
            st.sampled_from(["utterance", "invoke", "result", "node", "state", "dtmf", "sms", "variables", "model"]),
            max_size=25,
        )
    )
    gaps = draw(st.lists(st.integers(0, 4000), min_size=len(kinds) + 1, max_size=len(kinds) + 1))
    times = list(itertools.accumulate(gaps))
    log = [_event(kind, at, draw) for kind, at in zip(kinds, times, strict=False)]
    end = draw(st.sampled_from(["ongoing", "ended", "failed"]))
    if end == "ended":
        reason = draw(st.sampled_from(["agent_hangup", "user_hangup", "call_transfer", "inactivity", "dial_busy"]))
        log.append(Ended(at_ms=times[-1], reason=reason))
    elif end == "failed":
        log.append(EngineFailed(at_ms=times[-1], message="boom"))
    return log


def _call(fields: dict[str, Any]) -> dict[str, Any]:
    return {"access_token": "t", "agent_id": "a", "agent_version": 0, "call_id": "c", "call_type": "web_call", **fields}


@settings(max_examples=60, deadline=None)
@given(log=logs())
def test_call_and_chat_fields_are_total_deterministic_and_valid(log: list[Event]) -> None:
    fields = call_fields(log, start_timestamp=START, llm_model="gpt-4.1", starting_variables={"x": "1"})
    assert fields == call_fields(log, start_timestamp=START, llm_model="gpt-4.1", starting_variables={"x": "1"})
    call = strict_validate(WebCallResponse, _call(fields))
    for item in call.transcript_object or []:
        times = [t for w in item.words for t in (w.start, w.end) if t is not None]
        assert len(times) == 2 * len(item.words) and times == sorted(times)
    chat = chat_fields(log, chat_id="chat_1", start_timestamp=START, llm_model="gpt-4.1")
    strict_validate(ChatResponse, {"agent_id": "a", "chat_id": "chat_1", **chat})
    ids = [m["message_id"] for m in chat["message_with_tool_calls"]]
    assert ids == [f"msg_chat_1_{i}" for i in range(len(ids))]


@pytest.mark.parametrize(
    ("log", "status", "reason", "transcript"),
    [
        (
            FLOW_CALL,
            "ended",
            "call_transfer",
            "Agent: Thanks for calling Bella. How can I help?\nUser: A table for two, please.\n"
            "Agent: We have 19:00. Press 1 to confirm.\n",
        ),
        (CHAT, "ended", "agent_hangup", "User: Can I get a refund?\nAgent: I could not find that order.\n"),
        (ERRORED_CALL, "error", "error_llm_websocket_open", "Agent: Hello!\nUser: Hi.\n"),
        (NEVER_CONNECTED, "not_connected", "dial_no_answer", ""),
    ],
    ids=["flow-call", "chat", "errored", "never-connected"],
)
def test_each_kind_of_conversation(log: list[Event], status: str, reason: str, transcript: str) -> None:
    fields = call_fields(log, start_timestamp=START, llm_model="gpt-4.1")
    assert (fields["call_status"], fields["disconnection_reason"], fields["transcript"]) == (status, reason, transcript)
    strict_validate(WebCallResponse, _call(fields))
