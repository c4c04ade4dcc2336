"""The Retell LLM interpreter: begin messages, states, transitions, every tool type, bounds."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest

from retell_dsl.sim.events import (
    AgentSwapped,
    Dtmf,
    EngineFailed,
    Event,
    SmsSent,
    StateTransition,
    TransferAttempted,
)
from retell_dsl.sim.models import Rule, ScriptedModel
from retell_dsl.sim.runtime import AgentEngine, CallFacts, Limits
from tests.sim.runtime_helpers import PHONE, agent, ended, invoked, returned, session, user, vars_set
from tests.sim.runtime_helpers import run_without_models as run


def moved(former: str | None, new: str) -> StateTransition:
    return StateTransition(at_ms=0, former_state=former, new_state=new)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"begin_message": "Hi {{ name }}!"}, [agent("Hi Ann!")]),
        ({"begin_message": ""}, []),
        ({"begin_message": "Hi", "start_speaker": "user"}, []),
        ({}, "generated"),
    ],
    ids=["static", "empty waits", "user speaks first", "unset is generated"],
)
def test_begin_message_rules(fields: dict[str, Any], expected: object) -> None:
    model = ScriptedModel(Rule(purpose="reply").say("Hello, generated."))
    events = run(session({"general_prompt": "Be nice.", **fields}, model, variables={"name": "Ann"}))
    assert events == ([agent("Hello, generated.")] if expected == "generated" else expected)


def test_static_begin_message_needs_no_model() -> None:
    assert run(session({"begin_message": "Hello"})) == [agent("Hello")]


def test_begin_after_user_silence() -> None:
    s = session({"begin_message": "Still there?", "start_speaker": "user", "begin_after_user_silence_ms": 1000})

    async def go() -> tuple[tuple[Event, ...], tuple[Event, ...]]:
        return await s.start(), await s.silence(1000)

    assert asyncio.run(go()) == ((), (dataclasses.replace(agent("Still there?"), at_ms=1000),))


STATES = {
    "general_prompt": "You call for {{clinic}}.",
    "begin_message": "Hi {{name}}.",
    "starting_state": "confirm",
    "default_dynamic_variables": {"clinic": "Acme"},
    "general_tools": [{"type": "end_call", "name": "end_call", "description": "End the call"}],
    "states": [
        {
            "name": "confirm",
            "state_prompt": "Confirm the time.",
            "edges": [
                {
                    "destination_state_name": "wrap_up",
                    "description": "Confirmed",
                    "parameters": {"type": "object", "properties": {"slot": {"type": "string"}}},
                }
            ],
        },
        {"name": "wrap_up", "state_prompt": "Say goodbye; slot {{slot}}."},
    ],
}


def test_states_transitions_parameters_and_end_call() -> None:
    model = ScriptedModel(
        Rule(state="confirm", user="yes").transition("wrap_up", {"slot": "10:00"}),
        Rule(state="wrap_up").say("Great, bye!").call("end_call"),
    )
    events = run(session(STATES, model, variables={"name": "Ann"}), "yes, it works")
    assert events == [
        moved(None, "confirm"),
        agent("Hi Ann.", state="confirm"),
        user("yes, it works"),
        vars_set("transition:wrap_up", slot="10:00"),
        moved("confirm", "wrap_up"),
        agent("Great, bye!", state="wrap_up"),
        invoked("call_scripted_2", "end_call", "end_call", state="wrap_up"),
        returned("call_scripted_2", "Call ended."),
        ended("agent_hangup"),
    ]
    first, second = model.calls
    assert first.messages[0].content == "You call for Acme.\n\nConfirm the time."
    assert first.tool_names == ("end_call", "transition_to_wrap_up")
    assert second.messages[0].content == "You call for Acme.\n\nSay goodbye; slot 10:00."
    model.assert_complete()


TOOLS: dict[str, tuple[dict[str, Any], dict[str, Any], CallFacts, list[Event]]] = {
    "transfer on a web call fails and the agent goes on": (
        {"type": "transfer_call", "name": "xfer", "transfer_destination": {"type": "predefined", "number": "+1555"}},
        {},
        CallFacts(),
        [
            invoked("call_scripted_1", "xfer", "transfer_call"),
            TransferAttempted(
                at_ms=0,
                destination="+1555",
                successful=False,
                reason="transfers need a phone call; this session is a web call",
            ),
            returned(
                "call_scripted_1", "Transfer failed: transfers need a phone call; this session is a web call.", ok=False
            ),
            agent("Done."),
        ],
    ),
    "transfer on a phone call": (
        {
            "type": "transfer_call",
            "name": "xfer",
            "transfer_destination": {"type": "predefined", "number": "+1555"},
            "transfer_option": {"type": "cold_transfer"},
        },
        {},
        PHONE,
        [
            invoked("call_scripted_1", "xfer", "transfer_call"),
            TransferAttempted(at_ms=0, destination="+1555"),
            returned("call_scripted_1", "Transferred to +1555."),
            ended("call_transfer"),
        ],
    ),
    "press digit": (
        {"type": "press_digit", "name": "press"},
        {"digit": "2"},
        PHONE,
        [
            invoked("call_scripted_1", "press", "press_digit", '{"digit": "2"}'),
            Dtmf(at_ms=0, digit="2", by="agent"),
            returned("call_scripted_1", "Pressed 2."),
            agent("Done."),
        ],
    ),
    "send sms": (
        {"type": "send_sms", "name": "text", "sms_content": {"type": "predefined", "content": "Hi {{name}}"}},
        {},
        PHONE,
        [
            invoked("call_scripted_1", "text", "send_sms"),
            SmsSent(at_ms=0, content="Hi Ann", to_number="+14155550111"),
            returned("call_scripted_1", "SMS sent."),
            agent("Done."),
        ],
    ),
    "custom tool through a handler with response variables": (
        {
            "type": "custom",
            "name": "lookup",
            "url": "https://tools.example",
            "response_variables": {"o": "order"},
            "parameters": {"type": "object", "properties": {"id": {"type": "string"}}},
        },
        {"id": "7"},
        CallFacts(),
        [
            invoked("call_scripted_1", "lookup", "custom", '{"id": "7"}'),
            returned("call_scripted_1", '{"order":"7 shipped"}', source="handler"),
            vars_set("tool:lookup", o="7 shipped"),
            agent("Done."),
        ],
    ),
    "MCP tool offline fails clearly": (
        {"type": "mcp", "name": "search_docs", "mcp_id": "m1"},
        {},
        CallFacts(),
        [
            invoked("call_scripted_1", "search_docs", "mcp"),
            returned(
                "call_scripted_1",
                "MCP tool 'search_docs' cannot reach its MCP server in a local run; register a "
                "Python handler for 'search_docs' to answer it.",
                ok=False,
                error="unsupported_tool",
            ),
            agent("Done."),
        ],
    ),
    "agent swap without the destination fails": (
        {"type": "agent_swap", "name": "swap", "agent_id": "agent_x"},
        {},
        CallFacts(),
        [
            invoked("call_scripted_1", "swap", "agent_swap"),
            AgentSwapped(at_ms=0, agent_id="agent_x", successful=False),
            returned("call_scripted_1", "Agent swap failed: agent 'agent_x' is not available.", ok=False),
            agent("Done."),
        ],
    ),
}


@pytest.mark.parametrize("name", list(TOOLS))
def test_tool_types(name: str) -> None:
    tool, args, facts, expected = TOOLS[name]
    model = ScriptedModel(Rule(user="go", times=1).call(tool["name"], args), Rule(user="go").say("Done."))
    handlers = {"lookup": lambda a, call: {"order": f"{a['id']} shipped"}}
    s = session(
        {"begin_message": "", "general_tools": [tool]}, model, facts=facts, handlers=handlers, variables={"name": "Ann"}
    )
    assert run(s, "go") == [user("go"), *expected]


def test_extract_tool_is_model_driven() -> None:
    tool = {
        "type": "extract_dynamic_variable",
        "name": "record",
        "description": "Record it",
        "variables": [{"type": "boolean", "name": "confirmed", "description": "Confirmed"}],
    }
    model = ScriptedModel(
        Rule(purpose="reply", user="yes", times=1).call("record"),
        Rule(purpose="extraction").call("extract_dynamic_variables", {"confirmed": True}),
        Rule(purpose="reply").say("Noted."),
    )
    events = run(session({"begin_message": "", "general_tools": [tool]}, model), "yes")
    assert events == [
        user("yes"),
        invoked("call_scripted_1", "record", "extract_dynamic_variable"),
        vars_set("extraction", confirmed="true"),
        returned("call_scripted_1", '{"confirmed": "true"}'),
        agent("Noted."),
    ]


def test_agent_swap_hands_the_whole_history_to_the_destination() -> None:
    dest = AgentEngine(agent={"agent_id": "agent_b"}, engine={"general_prompt": "You are B."})
    model = ScriptedModel(
        Rule(user="human", times=1, when=lambda r: "B." not in (r.messages[0].content or "")).call("swap"),
        Rule(when=lambda r: r.messages[0].content == "You are B.").say("B here."),
    )
    tool = {"type": "agent_swap", "name": "swap", "agent_id": "agent_b"}
    s = session(
        {"begin_message": "", "general_prompt": "You are A.", "general_tools": [tool]},
        model,
        resolver=lambda agent_id, version: dest,
    )
    events = run(s, "a human please")
    assert events[-1] == agent("B here.") and AgentSwapped(at_ms=0, agent_id="agent_b") in events
    assert [m.role for m in model.calls[-1].messages] == ["system", "user", "assistant", "tool"]


def test_a_model_calling_an_unknown_tool_ends_with_a_corrupt_payload() -> None:
    class Rogue:
        async def complete(self, request: Any) -> Any:
            from retell_dsl.sim.models import ModelReply, ToolCall

            return ModelReply(tool_calls=(ToolCall.of("refund_everything"),))

    events = run(session({"begin_message": "", "general_prompt": "x"}, Rogue()), "hi")
    failed = events[-2]
    assert isinstance(failed, EngineFailed) and failed.reason == "error_llm_websocket_corrupt_payload"
    assert "'refund_everything', which was not offered" in failed.message
    assert events[-1] == ended("error_llm_websocket_corrupt_payload")


def test_a_model_returning_garbage_or_hanging_is_bounded() -> None:
    class Garbage:
        async def complete(self, request: Any) -> Any:
            return {"choices": []}

    class Hangs:
        async def complete(self, request: Any) -> Any:
            await asyncio.sleep(3600)

    garbage = run(session({"begin_message": "", "general_prompt": "x"}, Garbage()), "hi")
    assert garbage[-1] == ended("error_llm_websocket_corrupt_payload")
    hangs = run(
        session(
            {"begin_message": "", "general_prompt": "x"},
            Hangs(),
            limits=Limits(model_timeout_s=0.2),
        ),
        "hi",
    )
    assert hangs[-1] == ended("error_llm_websocket_lost_connection")
    assert "did not answer within 0.2 s" in hangs[-2].message  # type: ignore[attr-defined]


def test_the_step_guard_stops_a_model_that_only_calls_tools() -> None:
    tool = {"type": "custom", "name": "ping", "url": "https://x.example"}
    model = ScriptedModel(Rule().call("ping"))
    s = session(
        {"begin_message": "", "general_tools": [tool]},
        model,
        limits=Limits(max_steps=3),
        tool_mocks=[{"tool_name": "ping", "input_match_rule": {"type": "any"}, "output": "pong"}],
    )
    events = run(s, "hi")
    assert sum(type(e).__name__ == "ToolInvoked" for e in events) == 3
    assert "the model made 3 calls in one turn without a final reply" in events[-2].message  # type: ignore[attr-defined]


def test_resume_at_a_state() -> None:
    from retell_dsl.sim.runtime import StartAt

    model = ScriptedModel(Rule(state="wrap_up").say("Bye."))
    s = session(STATES, model, start_at=StartAt(state="wrap_up"))
    assert run(s, "ok") == [moved(None, "wrap_up"), user("ok"), agent("Bye.", state="wrap_up")]
    assert s.current_state == "wrap_up"


def test_code_tool_runs_javascript() -> None:
    tool = {
        "type": "code",
        "name": "price",
        "code": "return {total: Number(dv.qty) * 3}",
        "response_variables": {"total": "total"},
    }
    model = ScriptedModel(Rule(user="two", times=1).call("price"), Rule().say("That is 6."))
    events = run(session({"begin_message": "", "general_tools": [tool]}, model, variables={"qty": "2"}), "two please")
    assert events == [
        user("two please"),
        invoked("call_scripted_1", "price", "code"),
        returned("call_scripted_1", '{"total":6}', source="javascript"),
        vars_set("tool:price", total="6"),
        agent("That is 6."),
    ]


def test_an_edge_to_a_missing_state_ends_with_an_error() -> None:
    llm = {
        "begin_message": "",
        "starting_state": "a",
        "states": [{"name": "a", "edges": [{"destination_state_name": "ghost", "description": "go"}]}],
    }
    events = run(session(llm, ScriptedModel(Rule().transition("ghost"))), "go")
    failed = events[-2]
    assert isinstance(failed, EngineFailed) and failed.state == "a"
    assert failed.message == "state 'a' leads to state 'ghost', which does not exist (states: 'a')"
    assert events[-1] == ended("error_llm_websocket_runtime")


def test_states_that_keep_transitioning_are_stopped() -> None:
    llm = {
        "begin_message": "",
        "starting_state": "a",
        "states": [
            {"name": "a", "edges": [{"destination_state_name": "b"}]},
            {"name": "b", "edges": [{"destination_state_name": "a"}]},
        ],
    }
    model = ScriptedModel(Rule(state="a").transition("b"), Rule(state="b").transition("a"))
    events = run(session(llm, model, limits=Limits(max_transitions=4)), "go")
    assert sum(isinstance(e, StateTransition) for e in events) == 5  # the start and 4 moves
    assert "4 state transitions in one turn" in events[-2].message  # type: ignore[attr-defined]


def test_the_llm_without_a_model_names_the_state() -> None:
    failed = run(session(STATES), "hello")[-2]
    assert isinstance(failed, EngineFailed) and failed.reason == "error_llm_websocket_open"
    assert failed.message.startswith("state 'confirm': needs a model to write the agent's reply")
    assert "Rule(state='confirm')" in failed.message
