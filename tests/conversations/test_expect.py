"""Results normalised from Retell's shapes, the expect cursor, whole-run checks and their failure messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from retell_dsl.conversations import CallResult, ToolMocks, args_match, configured_model, events_of
from retell_dsl.errors import ConfigurationError

CALL: dict[str, Any] = {
    "call_id": "call_1",
    "agent_id": "agent_1",
    "call_status": "ended",
    "disconnection_reason": "call_transfer",
    "collected_dynamic_variables": {"tier": "gold"},
    "call_analysis": {"call_successful": True, "custom_analysis_data": {"topic": "billing"}},
    "call_cost": {"combined_cost": 1.5},
    "latency": {"e2e": {"p50": 800}},
    "transcript_with_tool_calls": [
        {"role": "node_transition", "former_node_name": "begin", "new_node_name": "greet"},
        {"role": "agent", "content": "Hello, how can I help?"},
        {"role": "user", "content": "A person please"},
        {"role": "state_transition", "former_state_name": "intro", "new_state_name": "handoff"},
        {
            "role": "tool_call_invocation",
            "tool_call_id": "t1",
            "name": "transfer_call",
            "arguments": '{"number": "+14155550100", "reason": {"code": 2, "why": "asked"}}',
        },
        {"role": "tool_call_result", "tool_call_id": "t1", "content": "transferred", "successful": True},
        {"role": "tool_call_invocation", "tool_call_id": "t2", "name": "note", "arguments": "not json"},
    ],
}
RESULT = CallResult.from_call(CALL)


def test_a_call_is_normalised_from_its_transcript_with_tool_calls() -> None:
    r = RESULT
    assert (r.id, r.kind, r.agent_id, r.end_reason, r.cost) == ("call_1", "call", "agent_1", "call_transfer", 1.5)
    assert [e.kind for e in r.events] == [
        "transition",
        "message",
        "message",
        "state_transition",
        "tool_call",
        "tool_call",
    ]
    assert [e.index for e in r.events] == list(range(6))
    assert (r.path, r.state_path) == (["greet"], ["handoff"])
    transfer, note = r.tool_calls
    assert transfer.args["reason"] == {"code": 2, "why": "asked"} and transfer.result == "transferred"
    assert (transfer.node, transfer.state) == ("greet", "handoff")
    assert note.args == {"_raw": "not json"} and note.result is None
    assert r.transfers == (transfer,)
    assert (r.variable("tier"), r.variable("missing"), r.latency) == ("gold", None, {"e2e": {"p50": 800}})


def test_every_expect_is_a_fresh_cursor() -> None:
    first = RESULT.expect.next_transition(to="greet")
    assert first.at == 1
    assert RESULT.expect.at == 0
    RESULT.expect.next_transition(to="greet")  # reading again starts at the first event again


def test_the_cursor_reads_the_conversation_in_order() -> None:
    (
        RESULT.expect.next_transition(to="greet")
        .next_message(matches=r"how can I \w+")
        .next_transition(to="handoff")  # the user's own line is stepped over
        .next_tool_call("transfer_call", args={"reason": {"code": 2}})
        .next_tool_call("note")
        .no_more_events()
    )
    RESULT.expect.next_transition(to="greet").next_message().next_message(role="user", contains="PERSON")
    RESULT.expect.skip_until(tool="note").no_more_events()
    RESULT.expect.skip_until(message="help").skip_until(transition="handoff")


def test_whole_run_checks_pass() -> None:
    e = RESULT.expect
    e.visited("greet").visited("handoff").never_visited("goodbye").path("greet")
    e.called("transfer_call", times=1).called("transfer_call", args={"number": "+14155550100"}).never_called("end_call")
    e.ended_by("call_transfer").transferred_to("+14155550100").variable("tier", "gold")
    e.analysis("call_successful", True).analysis("topic", "billing")


FAILURES: list[tuple[Callable[[], object], str, str, int | None]] = [
    (lambda: RESULT.expect.next_message(contains="bye"), "an agent message containing 'bye'", "node begin -> greet", 0),
    (
        lambda: RESULT.expect.next_transition(to="greet").next_message(contains="x", matches="y"),
        "an agent message containing 'x' and matching /y/",
        "agent: Hello, how can I help?",
        1,
    ),
    (
        lambda: RESULT.expect.skip_until(transition="handoff").next_tool_call("transfer_call", args={"number": "+1"}),
        'a call of tool \'transfer_call\' with args ⊇ {"number": "+1"}',
        "tool transfer_call(",
        4,
    ),
    (
        lambda: RESULT.expect.skip_until(tool="note").next_message(),
        "the next event to be an agent message",
        "no more events",
        6,
    ),
    (lambda: RESULT.expect.skip_until(tool="refund"), "a later event to be a call of tool 'refund'", "none is", 6),
    (lambda: RESULT.expect.no_more_events(), "no more events", "node begin -> greet", 0),  # noqa: PLW0108
    (lambda: RESULT.expect.visited("goodbye"), "to visit 'goodbye'", "path ['greet', 'handoff']", None),
    (lambda: RESULT.expect.never_visited("handoff"), "never to visit 'handoff'", "visited 'handoff'", 3),
    (lambda: RESULT.expect.path("greet", "bye"), "path ['greet', 'bye']", "path ['greet']", None),
    (lambda: RESULT.expect.called("transfer_call", times=2), "2 calls of tool 'transfer_call'", "1 call", None),
    (lambda: RESULT.expect.called("refund"), "at least one call of tool 'refund'", "0 calls", None),
    (lambda: RESULT.expect.never_called("note"), "no call of tool 'note'", "tool 'note' was called", 5),
    (
        lambda: RESULT.expect.ended_by("agent_hangup"),
        "the call to end by 'agent_hangup'",
        "end reason 'call_transfer'",
        None,
    ),
    (lambda: RESULT.expect.transferred_to("+1999"), "a transfer to '+1999'", "1 transfer", None),
    (lambda: RESULT.expect.variable("tier", "silver"), "variable 'tier' == 'silver'", "'gold'", None),
    (lambda: RESULT.expect.analysis("topic", "sales"), "analysis 'topic' == 'sales'", "'billing'", None),
]


@pytest.mark.parametrize(("check", "expected", "actual", "marked"), FAILURES)
def test_a_failure_prints_the_transcript_marked_at_the_failing_event(
    check: Callable[[], object], expected: str, actual: str, marked: int | None
) -> None:
    with pytest.raises(AssertionError) as info:
        check()
    message = str(info.value)
    head, transcript = message.split("\ntranscript:\n")
    assert expected in head.splitlines()[0]
    assert head.splitlines()[1].startswith(f"  actual: {actual}")
    assert "of call call_1" in head
    markers = [line for line in transcript.splitlines() if line.startswith(">>>")]
    if marked is None:
        assert markers == []
    elif marked >= len(RESULT.events):
        assert markers == [">>> (end of conversation)"]
    else:
        (line,) = markers
        assert line.startswith(f">>> {marked:>2} ")
        assert f"at: event {marked} (node 'greet'" in head


def test_skip_until_takes_exactly_one_target() -> None:
    with pytest.raises(TypeError, match="exactly one of"):
        RESULT.expect.skip_until(tool="a", transition="b")


@pytest.mark.parametrize(
    ("actual", "subset", "ok"),
    [
        ({"a": 1, "b": 2}, {"a": 1}, True),
        ({"a": 1}, {"a": 1, "b": 2}, False),
        ({"a": {"b": 1, "c": 2}}, {"a": {"b": 1}}, True),
        ({"a": "1"}, {"a": 1}, False),
        ({"a": 1}, {"a": True}, False),
        ({"a": [1, 2]}, {"a": [1, 2]}, True),
        ({}, {}, True),
    ],
)
def test_args_match_is_a_subset_match(actual: dict[str, Any], subset: dict[str, Any], ok: bool) -> None:
    assert args_match(actual, subset) is ok


def test_a_chat_object_is_normalised_too() -> None:
    chat = {
        "chat_id": "chat_9",
        "agent_id": "agent_1",
        "chat_status": "ended",
        "message_with_tool_calls": [{"role": "agent", "content": "Bye"}],
        "chat_cost": {"combined_cost": 0.2},
    }
    assert CallResult.from_chat(chat).end_reason == "agent_hangup"
    assert CallResult.from_chat(chat, ended_by_user=True).end_reason == "user_hangup"
    assert CallResult.from_chat({**chat, "chat_status": "ongoing"}).end_reason is None
    assert events_of([{"role": "agent", "content": "x"}], node="n", start=3)[0].index == 3


def test_tool_mocks_match_like_retell_and_remember_what_was_used() -> None:
    mocks = ToolMocks()
    exact = mocks.add("book", {"ok": "monday"}, args={"day": "Mon"})
    anyone = mocks.add("book", call=lambda args, call: {"ok": args["day"]})
    unused = mocks.add("cancel", output="done")
    book = mocks.handler("book")
    assert book({"day": "Mon", "time": 9}, {}) == {"ok": "monday"}
    assert book({"day": "Tue"}, {}) == {"ok": "Tue"}
    assert (exact.uses, anyone.uses) == (1, 1)
    assert mocks.unused() == [unused]
    assert mocks.names() == ["book", "cancel"]
    with pytest.raises(LookupError, match=r"no mock of tool 'refund' matches args \{\}"):
        mocks.handler("refund")({}, {})
    with pytest.raises(ConfigurationError, match="exactly one of output= or call="):
        mocks.add("x")


def test_mocks_added_after_binding_still_answer() -> None:
    table: dict[str, Any] = {}
    mocks = ToolMocks()
    mocks.add("a", 1)
    mocks.bind(table)
    mocks.add("b", 2)
    assert (table["a"]({}, {}), table["b"]({}, {})) == (1, 2)


def test_a_model_name_needs_a_server_and_uses_it() -> None:
    with pytest.raises(ConfigurationError, match="needs OPENAI_BASE_URL"):
        configured_model("llama3", {})
    model = configured_model("llama3", {"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert type(model).__name__ == "OpenAICompatible"
    assert type(configured_model(None, {})).__name__ == "NoModel"


def test_a_failed_transfer_is_not_a_transfer() -> None:
    failed = CallResult.from_call(
        {
            **CALL,
            "transcript_with_tool_calls": [
                {
                    "role": "tool_call_invocation",
                    "tool_call_id": "t",
                    "name": "desk",
                    "arguments": "{}",
                    "type": "transfer_call",
                },
                {"role": "tool_call_result", "tool_call_id": "t", "content": "Transfer failed", "successful": False},
            ],
        }
    )
    assert [e.name for e in failed.transfers] == ["desk"]
    with pytest.raises(AssertionError, match=r"(?s)a transfer to 'desk'\n  actual: 1 transfer, 1 to it failed.*>>>  0"):
        failed.expect.transferred_to("desk")
