"""The conversation-flow interpreter: every node type and edge kind, asserting the exact event stream."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from retell_dsl.sim.events import AgentSwapped, Dtmf, EngineFailed, Event, SmsSent, TransferAttempted
from retell_dsl.sim.models import Rule, ScriptedModel
from retell_dsl.sim.runtime import AgentEngine, CallFacts, Limits, Session
from retell_dsl.sim.tools import JsPolicy, ToolRunner
from tests.sim.runtime_helpers import (
    agent,
    always,
    edge,
    else_,
    ended,
    eq,
    flow,
    invoked,
    moved,
    node,
    prompt,
    returned,
    session,
    static,
    user,
    vars_set,
)

PHONE = CallFacts(call_type="phone_call", from_number="+14155550111", to_number="+14155550100")
LOOKUP = {
    "type": "custom",
    "tool_id": "t1",
    "name": "lookup",
    "url": "https://tools.example/l",
    "response_variables": {"status": "s"},
}
MOCK = [{"tool_name": "lookup", "input_match_rule": {"type": "any"}, "output": '{"s": "ok"}'}]
BYE = node("bye", "end", instruction=static("Bye"))


def run(s: Session, *turns: str) -> list[Event]:
    async def go() -> list[Event]:
        out = list(await s.start())
        for turn in turns:
            out += await s.user_says(turn)
        return out

    return asyncio.run(go())


# each case: (flow, session kwargs, user turns, expected events); no model anywhere (NoModel raises if asked)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], tuple[str, ...], list[Event]]] = {
    "conversation static text, always edge": (
        flow(node("hi", instruction=static("Hi {{ name }}"), always_edge=always("a", "bye")), BYE),
        {"variables": {"name": "Ann"}},
        ("yo",),
        [
            moved("begin", "hi"),
            agent("Hi Ann", "hi"),
            user("yo"),
            moved("hi", "bye", "a"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "skip response edge leaves without waiting": (
        flow(node("hi", instruction=static("Hi"), skip_response_edge=edge("s", "bye", "Skip response")), BYE),
        {},
        (),
        [moved("begin", "hi"), agent("Hi", "hi"), moved("hi", "bye", "s"), agent("Bye", "bye"), ended("agent_hangup")],
    ),
    "equations first in array order, then else": (
        flow(
            node(
                "hi",
                instruction=static("Hi"),
                edges=[
                    edge("e0", "no", eq("{{n}}", ">", "10")),
                    edge("e1", "bye", eq("{{n}}", ">", "2")),
                    edge("e2", "no", eq("{{n}}", ">", "1")),
                ],
                else_edge=else_("x", "no"),
            ),
            BYE,
            node("no", "end"),
        ),
        {"variables": {"n": "3"}},
        ("go",),
        [
            moved("begin", "hi"),
            agent("Hi", "hi"),
            user("go"),
            moved("hi", "bye", "e1"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "numeric operator on text is false, else edge": (
        flow(
            node(
                "hi",
                instruction=static("Hi"),
                edges=[edge("e0", "no", eq("{{n}}", "<", "10"))],
                else_edge=else_("x", "bye"),
            ),
            BYE,
            node("no", "end"),
        ),
        {"variables": {"n": "ten"}},
        ("go",),
        [
            moved("begin", "hi"),
            agent("Hi", "hi"),
            user("go"),
            moved("hi", "bye", "x"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "function node mocked, response variables, branch": (
        flow(
            node("fn", "function", tool_id="t1", wait_for_result=True, else_edge=else_("f", "br")),
            node("br", "branch", edges=[edge("b0", "bye", eq("{{status}}", "==", "ok"))], else_edge=else_("b", "no")),
            BYE,
            node("no", "end"),
            tools=[LOOKUP],
        ),
        {"tool_mocks": MOCK},
        (),
        [
            moved("begin", "fn"),
            invoked("tool_call_1", "lookup", "custom", node_id="fn"),
            returned("tool_call_1", '{"s": "ok"}', source="mock"),
            vars_set("tool:lookup", status="ok"),
            moved("fn", "br", "f"),
            moved("br", "bye", "b0"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "function node without waiting chooses its edge before the result": (
        flow(
            node(
                "fn",
                "function",
                tool_id="t1",
                wait_for_result=False,
                edges=[edge("f0", "no", eq("{{status}}", "exists"))],
                else_edge=else_("f", "bye"),
            ),
            BYE,
            node("no", "end"),
            tools=[LOOKUP],
        ),
        {"tool_mocks": MOCK},
        (),
        [
            moved("begin", "fn"),
            invoked("tool_call_1", "lookup", "custom", node_id="fn"),
            returned("tool_call_1", '{"s": "ok"}', source="mock"),
            vars_set("tool:lookup", status="ok"),
            moved("fn", "bye", "f"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "function node speaks during execution": (
        flow(
            node(
                "fn",
                "function",
                tool_id="t1",
                wait_for_result=True,
                speak_during_execution=True,
                instruction=static("One moment."),
                else_edge=else_("f", "bye"),
            ),
            BYE,
            tools=[LOOKUP],
        ),
        {"tool_mocks": MOCK},
        (),
        [
            moved("begin", "fn"),
            agent("One moment.", "fn"),
            invoked("tool_call_1", "lookup", "custom", node_id="fn"),
            returned("tool_call_1", '{"s": "ok"}', source="mock"),
            vars_set("tool:lookup", status="ok"),
            moved("fn", "bye", "f"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "constant tool arguments need no model": (
        flow(
            node("fn", "function", tool_id="t2", wait_for_result=True, else_edge=else_("f", "bye")),
            BYE,
            tools=[
                {
                    "type": "custom",
                    "tool_id": "t2",
                    "name": "lookup",
                    "url": "https://tools.example/l",
                    "parameters": {"type": "object", "properties": {"who": {"type": "string", "const": "{{name}}"}}},
                }
            ],
        ),
        {"tool_mocks": MOCK, "variables": {"name": "Ann"}},
        (),
        [
            moved("begin", "fn"),
            invoked("tool_call_1", "lookup", "custom", '{"who": "Ann"}', node_id="fn"),
            returned("tool_call_1", '{"s": "ok"}', source="mock"),
            moved("fn", "bye", "f"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "transfer on a web call takes the failed edge": (
        flow(
            node(
                "xfer",
                "transfer_call",
                transfer_destination={"type": "predefined", "number": "{{desk}}"},
                transfer_option={"type": "warm_transfer"},
                edge=edge("x", "bye", "Transfer failed"),
            ),
            BYE,
        ),
        {"variables": {"desk": "+1555"}},
        (),
        [
            moved("begin", "xfer"),
            invoked("tool_call_1", "xfer", "transfer_call", node_id="xfer"),
            TransferAttempted(
                at_ms=0,
                destination="+1555",
                option="warm_transfer",
                successful=False,
                reason="transfers need a phone call; this session is a web call",
            ),
            returned(
                "tool_call_1", "Transfer failed: transfers need a phone call; this session is a web call.", ok=False
            ),
            moved("xfer", "bye", "x"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "transfer on a phone call ends with call_transfer": (
        flow(
            node(
                "xfer",
                "transfer_call",
                transfer_destination={"type": "predefined", "number": "+1555"},
                transfer_option={"type": "cold_transfer"},
                edge=edge("x", "bye", "Transfer failed"),
            ),
            BYE,
        ),
        {"facts": PHONE},
        (),
        [
            moved("begin", "xfer"),
            invoked("tool_call_1", "xfer", "transfer_call", node_id="xfer"),
            TransferAttempted(at_ms=0, destination="+1555", option="cold_transfer"),
            returned("tool_call_1", "Transferred to +1555."),
            ended("call_transfer"),
        ],
    ),
    "sms to the caller on a phone call": (
        flow(
            node(
                "sms",
                "sms",
                instruction=static("Code {{code}}"),
                success_edge=edge("s", "bye", "Sent successfully"),
                failed_edge=edge("f", "no", "Failed to send"),
            ),
            BYE,
            node("no", "end"),
        ),
        {"facts": PHONE, "variables": {"code": "42"}},
        (),
        [
            moved("begin", "sms"),
            invoked("tool_call_1", "sms", "send_sms", '{"content": "Code 42"}', node_id="sms"),
            SmsSent(at_ms=0, content="Code 42", to_number="+14155550111"),
            returned("tool_call_1", "SMS sent."),
            moved("sms", "bye", "s"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "sms without a number takes the failed edge": (
        flow(
            node(
                "sms",
                "sms",
                instruction=static("Hi"),
                success_edge=edge("s", "no", "Sent successfully"),
                failed_edge=edge("f", "bye", "Failed to send"),
            ),
            BYE,
            node("no", "end"),
        ),
        {},
        (),
        [
            moved("begin", "sms"),
            invoked("tool_call_1", "sms", "send_sms", '{"content": "Hi"}', node_id="sms"),
            SmsSent(at_ms=0, content="Hi", to_number=None, successful=False),
            returned("tool_call_1", "SMS failed: the session has no phone number to text.", ok=False),
            moved("sms", "bye", "f"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "agent swap without a resolver takes the failure edge": (
        flow(node("swap", "agent_swap", agent_id="agent_b", edge=edge("x", "bye", "Transfer failed")), BYE),
        {},
        (),
        [
            moved("begin", "swap"),
            invoked("tool_call_1", "swap", "agent_swap", '{"agent_id": "agent_b"}', node_id="swap"),
            AgentSwapped(at_ms=0, agent_id="agent_b", successful=False),
            returned("tool_call_1", "Agent swap failed: agent 'agent_b' is not available.", ok=False),
            moved("swap", "bye", "x"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "agent swap continues in the destination engine": (
        flow(node("swap", "agent_swap", agent_id="agent_b", edge=edge("x", "bye", "Transfer failed")), BYE),
        {
            "resolver": lambda agent_id, version: (
                AgentEngine(agent={"agent_id": agent_id}, engine={"begin_message": "Agent B here, {{name}}."})
                if agent_id == "agent_b"
                else None
            ),
            "variables": {"name": "Ann"},
        },
        (),
        [
            moved("begin", "swap"),
            invoked("tool_call_1", "swap", "agent_swap", '{"agent_id": "agent_b"}', node_id="swap"),
            AgentSwapped(at_ms=0, agent_id="agent_b"),
            returned("tool_call_1", "Swapped."),
            agent("Agent B here, Ann."),
        ],
    ),
    "local component: its end node hands back to the component node's edges": (
        flow(
            node("comp", "component", component_id="Intake", component_type="local", else_edge=else_("c", "bye")),
            BYE,
            components=[
                {
                    "name": "Intake",
                    "start_node_id": "ask",
                    "nodes": [
                        node("ask", instruction=static("Your name?"), always_edge=always("a", "done")),
                        node("done", "end"),
                    ],
                }
            ],
        ),
        {},
        ("Ann",),
        [
            moved("begin", "comp"),
            moved("comp", "ask", comp="Intake"),
            agent("Your name?", "ask"),
            user("Ann"),
            moved("ask", "done", "a", comp="Intake"),
            moved("done", "bye", "c"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "shared component supplied by id": (
        flow(
            node("comp", "component", component_id="cmp_1", component_type="shared", else_edge=else_("c", "bye")), BYE
        ),
        {"components": {"cmp_1": {"name": "Shared", "nodes": [node("in", "end", instruction=static("Inside"))]}}},
        (),
        [
            moved("begin", "comp"),
            moved("comp", "in", comp="cmp_1"),
            agent("Inside", "in"),
            moved("in", "bye", "c"),
            agent("Bye", "bye"),
            ended("agent_hangup"),
        ],
    ),
    "static text node without a matching edge stays and waits": (
        flow(node("hi", instruction=static("Hi"), edges=[edge("e", "bye", eq("{{x}}", "exists"))]), BYE),
        {},
        ("hello",),
        [
            moved("begin", "hi"),
            agent("Hi", "hi"),
            user("hello"),
            EngineFailed(at_ms=0, message="", reason="error_llm_websocket_open", node_id="hi"),
            ended("error_llm_websocket_open"),
        ],
    ),
}


def _normalise(events: list[Event]) -> list[Event]:
    # EngineFailed messages are checked separately (they are long); compare the rest exactly
    return [dataclasses.replace(e, message="") if isinstance(e, EngineFailed) else e for e in events]


@pytest.mark.parametrize("name", list(CASES))
def test_node_types_and_edges_without_a_model(name: str) -> None:
    engine, kwargs, turns, expected = CASES[name]
    assert _normalise(run(session(engine, **kwargs), *turns)) == expected


def test_code_node_runs_javascript_and_sets_response_variables() -> None:
    f = flow(
        node(
            "js",
            "code",
            code="return {total: dv.n * 2}",
            wait_for_result=True,
            response_variables={"total": "total"},
            else_edge=else_("j", "bye"),
        ),
        BYE,
    )
    events = run(session(f, variables={"n": "21"}))
    assert events == [
        moved("begin", "js"),
        invoked("tool_call_1", "js", "code", node_id="js"),
        returned("tool_call_1", '{"total":42}', source="javascript"),
        vars_set("code:js", total="42"),
        moved("js", "bye", "j"),
        agent("Bye", "bye"),
        ended("agent_hangup"),
    ]


@pytest.mark.slow
def test_javascript_that_loops_forever_is_a_failed_execution() -> None:
    f = flow(
        node("js", "code", code="while (true) {}", timeout_ms=300, wait_for_result=True, else_edge=else_("j", "bye")),
        BYE,
    )
    runner = ToolRunner(js_policy=JsPolicy(min_timeout_ms=100))
    events = run(session(f, tools=runner))
    assert [type(e).__name__ for e in events] == [
        "NodeTransition",
        "ToolInvoked",
        "ToolReturned",
        "NodeTransition",
        "Utterance",
        "Ended",
    ]
    result = events[2]
    assert isinstance(result, type(returned("", ""))) and not result.successful and result.error == "timeout"


def test_a_hanging_handler_is_bounded_by_the_tool_timeout() -> None:
    import threading
    import time

    tool = {**LOOKUP, "timeout_ms": 200}
    f = flow(node("fn", "function", tool_id="t1", wait_for_result=True, else_edge=else_("f", "bye")), BYE, tools=[tool])
    release = threading.Event()
    started = time.monotonic()
    try:
        events = run(session(f, handlers={"lookup": lambda args, call: release.wait(30)}))
    finally:
        release.set()  # let the abandoned handler thread finish
    assert time.monotonic() - started < 10
    assert events[2] == returned("tool_call_1", events[2].content, ok=False, source="handler", error="timeout")  # type: ignore[attr-defined]
    assert "did not return within 200 ms" in events[2].content
    assert events[-1] == ended("agent_hangup")


def test_a_50_mb_tool_result_is_capped() -> None:
    f = flow(
        node("fn", "function", tool_id="t1", wait_for_result=True, else_edge=else_("f", "bye")), BYE, tools=[LOOKUP]
    )
    events = run(session(f, handlers={"lookup": lambda args, call: "x" * 50_000_000}))
    assert len(events[2].content) == 15_000 and events[-1] == ended("agent_hangup")  # type: ignore[attr-defined]


FAILURES: dict[str, tuple[dict[str, Any], str, str]] = {
    "dangling node id": (
        flow(node("hi", instruction=static("Hi"), skip_response_edge=edge("s", "ghost", "Skip response"))),
        "error_llm_websocket_runtime",
        "leads to node 'ghost', which is not a node (nodes: 'hi')",
    ),
    "cycle without a user turn": (
        flow(node("a", "branch", else_edge=else_("x", "b")), node("b", "branch", else_edge=else_("y", "a"))),
        "error_llm_websocket_runtime",
        "50 transitions without a user turn: the flow loops",
    ),
    "missing shared component": (
        flow(node("c", "component", component_id="cmp_x", component_type="shared", else_edge=else_("e", "c"))),
        "error_llm_websocket_runtime",
        "uses the shared component 'cmp_x', which was not supplied",
    ),
    "prompt condition without a model": (
        flow(node("hi", "branch", edges=[edge("e", "hi", "The caller is happy")], else_edge=else_("x", "hi"))),
        "error_llm_websocket_open",
        "node 'hi' (hi): needs a model to choose among prompt-condition edges",
    ),
    "unknown node type": (flow(node("hi", "teleport")), "error_llm_websocket_runtime", "node type 'teleport'"),
    "function node naming a missing tool": (
        flow(node("fn", "function", tool_id="t_gone", wait_for_result=True, else_edge=else_("x", "fn"))),
        "error_llm_websocket_runtime",
        "node 'fn' (fn): the tool 't_gone' is not among the flow's tools",
    ),
    "branch without any edge that holds": (
        flow(node("b", "branch", edges=[edge("e", "b", eq("{{x}}", "exists"))])),
        "error_llm_websocket_runtime",
        "no branch condition holds and there is no else_edge",
    ),
    "unknown equation operator": (
        flow(node("b", "branch", edges=[edge("e", "b", eq("{{x}}", "~=", "1"))], else_edge=else_("x", "b"))),
        "error_llm_websocket_runtime",
        "unknown equation operator '~='",
    ),
}


@pytest.mark.parametrize("name", list(FAILURES))
def test_malformed_flows_end_with_a_clear_error(name: str) -> None:
    engine, reason, message = FAILURES[name]
    events = run(session(engine))
    failed, last = events[-2], events[-1]
    assert isinstance(failed, EngineFailed) and failed.reason == reason and message in failed.message
    assert last == ended(reason)


def test_the_no_model_error_names_the_node_and_the_three_fixes() -> None:
    f = flow(node("greet", instruction=prompt("Greet the caller")))
    failed = run(session(f))[-2]
    assert isinstance(failed, EngineFailed) and failed.node_id == "greet"
    assert failed.message.startswith("node 'greet' (greet): needs a model to write the agent's reply")
    assert all(f"  {n}. " in failed.message for n in (1, 2, 3))


def scripted(*rules: Rule) -> ScriptedModel:
    return ScriptedModel(*rules)


def test_prompt_conditions_decided_by_the_model() -> None:
    f = flow(
        node(
            "hi",
            instruction=static("Hi"),
            edges=[edge("e0", "bye", "The caller is done"), edge("e1", "no", "The caller wants more")],
            else_edge=else_("x", "no"),
        ),
        BYE,
        node("no", "end"),
    )
    model = scripted(Rule(node="hi", purpose="prompt_condition", user="done").transition("bye"))
    events = run(session(f, model), "I'm done")
    assert events == [
        moved("begin", "hi"),
        agent("Hi", "hi"),
        user("I'm done"),
        *events[3:4],
        moved("hi", "bye", "e0"),
        agent("Bye", "bye"),
        ended("agent_hangup"),
    ]
    request = model.calls[0]
    assert request.tool_names == ("transition_to_bye", "transition_to_no")
    model.assert_complete()


def test_no_prompt_condition_holds_then_the_else_edge() -> None:
    f = flow(
        node(
            "hi", instruction=static("Hi"), edges=[edge("e0", "no", "The caller is done")], else_edge=else_("x", "bye")
        ),
        BYE,
        node("no", "end"),
    )
    model = scripted(Rule(purpose="prompt_condition").say(""))
    assert run(session(f, model), "hmm")[4:] == [moved("hi", "bye", "x"), agent("Bye", "bye"), ended("agent_hangup")]


def test_staying_in_a_conversation_node_generates_the_next_reply() -> None:
    f = flow(
        node("hi", instruction=prompt("Chat with {{name}}"), edges=[edge("e0", "bye", "The caller is done")]),
        BYE,
        global_prompt="You are Acme.",
    )
    model = scripted(
        Rule(purpose="reply", user="weather").say("Sunny."),
        Rule(purpose="prompt_condition").say(""),
        Rule(purpose="reply").say("Hello!"),
    )
    events = run(session(f, model, variables={"name": "Ann"}), "weather?")
    assert [e for e in events if type(e).__name__ != "ModelUsed"] == [
        moved("begin", "hi"),
        agent("Hello!", "hi"),
        user("weather?"),
        agent("Sunny.", "hi"),
    ]
    assert model.calls[0].messages[0].content == "You are Acme.\n\nChat with Ann"


def test_global_node_go_back_and_cool_down() -> None:
    f = flow(
        node("main", instruction=static("Main"), edges=[edge("e0", "bye", eq("{{done}}", "exists"))]),
        node(
            "help",
            instruction=static("Help here"),
            global_node_setting={
                "condition": "The caller needs help",
                "cool_down": 2,
                "go_back_conditions": [edge("back", "", "The caller is fine now")],
            },
        ),
        BYE,
    )
    model = scripted(
        Rule(purpose="prompt_condition", user="help", times=1).transition("help"),
        Rule(purpose="prompt_condition", user="fine").transition("back"),
        Rule(purpose="reply", user="help again").say("Still main."),
    )
    events = [e for e in run(session(f, model), "help", "fine", "help again") if type(e).__name__ != "ModelUsed"]
    assert events == [
        moved("begin", "main"),
        agent("Main", "main"),
        user("help"),
        moved("main", "help", kind="global"),
        agent("Help here", "help"),
        user("fine"),
        moved("help", "main", "back", kind="global_go_back"),
        agent("Main", "main"),
        user("help again"),
        agent("Still main.", "main"),
    ]
    # the go-back is offered by the origin's name; within the cool-down the global node is not offered at all
    assert [c.tool_names for c in model.calls] == [("transition_to_help",), ("transition_to_main",), ()]
    model.assert_complete()


def test_extract_node_uses_the_model_then_equations() -> None:
    f = flow(
        node("hi", instruction=static("Date?"), always_edge=always("a", "ex")),
        node(
            "ex",
            "extract_dynamic_variables",
            variables=[{"type": "string", "name": "day", "description": "Day"}],
            edges=[edge("e", "bye", eq("{{day}}", "==", "Monday"))],
            else_edge=else_("x", "hi"),
        ),
        BYE,
    )
    model = scripted(Rule(node="ex", purpose="extraction").call("extract_dynamic_variables", {"day": "Monday"}))
    events = [e for e in run(session(f, model), "Monday please") if type(e).__name__ != "ModelUsed"]
    assert events == [
        moved("begin", "hi"),
        agent("Date?", "hi"),
        user("Monday please"),
        moved("hi", "ex", "a"),
        vars_set("extraction", day="Monday"),
        moved("ex", "bye", "e"),
        agent("Bye", "bye"),
        ended("agent_hangup"),
    ]


def test_press_digit_node() -> None:
    f = flow(
        node(
            "ivr",
            "press_digit",
            instruction=prompt("Press 1 for sales"),
            delay_ms=500,
            edges=[edge("e", "bye", "Reached a person")],
        ),
        BYE,
    )
    model = scripted(
        Rule(node="ivr", purpose="tool_arguments", times=1).call("press_digit", {"digit": "1"}),
        Rule(node="ivr", purpose="prompt_condition").transition("bye"),
    )
    events = [e for e in run(session(f, model, facts=PHONE), "Sales, hello") if type(e).__name__ != "ModelUsed"]
    assert events == [
        moved("begin", "ivr"),
        dataclasses.replace(
            invoked("call_scripted_1", "ivr", "press_digit", '{"digit": "1"}', node_id="ivr"), at_ms=500
        ),
        Dtmf(at_ms=500, digit="1", by="agent"),
        dataclasses.replace(returned("call_scripted_1", "Pressed 1."), at_ms=500),
        dataclasses.replace(user("Sales, hello"), at_ms=500),
        dataclasses.replace(moved("ivr", "bye", "e"), at_ms=500),
        dataclasses.replace(agent("Bye", "bye"), at_ms=500),
        dataclasses.replace(ended("agent_hangup"), at_ms=500),
    ]


def test_start_speaker_user_and_begin_after_silence() -> None:
    f = flow(
        node("hi", instruction=static("Hi"), always_edge=always("a", "bye")),
        BYE,
        start_speaker="user",
        begin_after_user_silence_ms=2000,
    )
    s = session(f)

    async def go() -> tuple[tuple[Event, ...], ...]:
        return await s.start(), await s.silence(1000), await s.silence(2500)

    opening, early, late = asyncio.run(go())
    assert opening == (moved("begin", "hi"),) and early == ()
    assert late == (dataclasses.replace(agent("Hi", "hi"), at_ms=3500),)


def test_inactivity_ends_the_call() -> None:
    f = flow(node("hi", instruction=static("Hi")))
    s = session(f, agent={"end_call_after_silence_ms": 10_000})

    async def go() -> tuple[Event, ...]:
        await s.start()
        return await s.silence(10_000)

    assert [(type(e).__name__, getattr(e, "reason", None)) for e in asyncio.run(go())] == [("Ended", "inactivity")]


def test_the_session_reports_where_it_is_and_the_variables() -> None:
    f = flow(
        node("fn", "function", tool_id="t1", wait_for_result=True, else_edge=else_("f", "wait")),
        node("wait", instruction=static("Ok {{status}} at {{current_node}} after {{previous_node}}")),
        tools=[LOOKUP],
    )
    s = session(f, tool_mocks=MOCK, variables={"a": "1"})
    events = run(s)
    assert events[-1] == agent("Ok ok at wait after fn", "wait")
    assert (s.current_node, s.current_state, s.component_id, s.ended) == ("wait", None, None, None)
    assert s.variables == {"a": "1", "status": "ok"}


def _unused(_: Callable[..., object]) -> None:
    """Keep helper imports referenced."""


_unused(Limits)
