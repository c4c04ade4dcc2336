"""Flow edges a model decides: prompt conditions, global nodes, go-back, cool-down, extraction, digits, timing."""

from __future__ import annotations

import asyncio
import dataclasses

from retell_dsl.sim.events import Dtmf, Event
from retell_dsl.sim.models import Rule, ScriptedModel
from tests.sim.runtime_helpers import (
    BYE,
    LOOKUP,
    MOCK,
    PHONE,
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
    run,
    session,
    static,
    user,
    vars_set,
)

# each case: (flow, session kwargs, user turns, expected events); no model anywhere (NoModel raises if asked)


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
