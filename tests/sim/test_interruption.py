"""Interruptions: a user turn spoken over the agent right after a node transition (``interrupt_go_back``).

Exact event streams; ``ModelUsed`` is left out where a scripted model decides prompt conditions.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from retell_dsl.sim.callers import Interrupt, ScriptCaller, caller_from_json, interrupt, say
from retell_dsl.sim.drive import converse
from retell_dsl.sim.events import Event, ModelUsed
from retell_dsl.sim.models import Model, Rule, ScriptedModel
from tests.sim.runtime_helpers import (
    LOOKUP,
    MOCK,
    agent,
    edge,
    ended,
    eq,
    flow,
    invoked,
    moved,
    node,
    returned,
    session,
    static,
    user,
    vars_set,
)

ASK = node(
    "ask",
    instruction=static("Which day?"),
    edges=[edge("ask.day", "confirm", "The user named a day"), edge("ask.cancel", "cancel", "The user cancels")],
)
CONFIRM = node("confirm", instruction=static("Booked."), edges=[edge("confirm.more", "ask", "Wants another")])
CANCEL = node("cancel", "end", instruction=static("Cancelled."))
BOOKING = flow(ASK, CONFIRM, CANCEL)


def booking_model() -> ScriptedModel:
    return ScriptedModel(
        Rule(node="ask", purpose="prompt_condition", user="cancel").transition("cancel"),
        Rule(node="ask", purpose="prompt_condition", user="monday").transition("confirm"),
        Rule(node="confirm", purpose="prompt_condition").say(""),
        Rule(node="confirm", purpose="reply").say("Anything else?"),
    )


def play(engine: dict[str, Any], model: Model | None, *turns: tuple[str, str]) -> list[Event]:
    """Start, then each ``(how, text)`` turn: ``say`` or ``interrupt``; ModelUsed left out."""
    s = session(engine, model)

    async def go() -> list[Event]:
        out = list(await s.start())
        for how, text in turns:
            out += await (s.interrupt(text) if how == "interrupt" else s.user_says(text))
        return [e for e in out if not isinstance(e, ModelUsed)]

    return asyncio.run(go())


OPENING = [moved("begin", "ask"), agent("Which day?", "ask")]
MONDAY = [user("Monday"), moved("ask", "confirm", "ask.day"), agent("Booked.", "confirm")]

CASES = [
    pytest.param(
        BOOKING,
        [("say", "Monday"), ("interrupt", "no wait, cancel it")],
        [
            *OPENING,
            *MONDAY,
            moved("confirm", "ask", kind="interrupt_go_back"),
            user("no wait, cancel it"),
            moved("ask", "cancel", "ask.cancel"),
            agent("Cancelled.", "cancel"),
            ended("agent_hangup"),
        ],
        id="the-flow-goes-back-and-hears-the-turn-where-the-user-was",
    ),
    pytest.param(
        BOOKING,
        [("say", "Monday"), ("interrupt", "Monday, I said")],
        [
            *OPENING,
            *MONDAY,
            moved("confirm", "ask", kind="interrupt_go_back"),
            user("Monday, I said"),
            moved("ask", "confirm", "ask.day"),
            agent("Booked.", "confirm"),
        ],
        id="the-same-decision-moves-forward-again",
    ),
    pytest.param(
        BOOKING,
        [("say", "Monday"), ("say", "thanks"), ("interrupt", "and one more")],
        [
            *OPENING,
            *MONDAY,
            user("thanks"),
            agent("Anything else?", "confirm"),
            user("and one more"),
            agent("Anything else?", "confirm"),
        ],
        id="no-move-since-the-last-turn-is-an-ordinary-turn",
    ),
    pytest.param(
        flow(
            node("hi", instruction=static("Hi."), skip_response_edge=edge("hi.skip", "ask", "Skip")),
            ASK,
            CONFIRM,
            CANCEL,
        ),
        [("interrupt", "cancel")],
        [
            moved("begin", "hi"),
            agent("Hi.", "hi"),
            moved("hi", "ask", "hi.skip"),
            agent("Which day?", "ask"),
            user("cancel"),
            moved("ask", "cancel", "ask.cancel"),
            agent("Cancelled.", "cancel"),
            ended("agent_hangup"),
        ],
        id="before-any-user-turn-there-is-nothing-to-go-back-to",
    ),
]


@pytest.mark.parametrize(("engine", "turns", "expected"), CASES)
def test_interruptions(engine: dict[str, Any], turns: list[tuple[str, str]], expected: list[Event]) -> None:
    model = booking_model()
    assert play(engine, model, *turns) == expected


def test_the_go_back_skips_the_nodes_passed_through_and_tools_are_not_undone() -> None:
    f = flow(
        node("ask", instruction=static("Order number?"), edges=[edge("ask.n", "check", eq("{{n}}", "exists"))]),
        node("check", "function", tool_id="t1", wait_for_result=True, else_edge=edge("check.else", "done", "Else")),
        node("done", instruction=static("Status: {{status}}.")),
        tools=[LOOKUP],
    )
    s = session(f, tool_mocks=MOCK, variables={"n": "42"})

    async def go() -> list[Event]:
        out = list(await s.start())
        out += await s.user_says("42")
        return out + list(await s.interrupt("it is 42"))

    checked = [
        invoked("tool_call_1", "lookup", "custom", node_id="check"),
        returned("tool_call_1", '{"s": "ok"}', source="mock"),
        vars_set("tool:lookup", status="ok"),
    ]
    again = [
        invoked("tool_call_2", "lookup", "custom", node_id="check"),
        returned("tool_call_2", '{"s": "ok"}', source="mock"),
        vars_set("tool:lookup", status="ok"),
    ]
    assert asyncio.run(go()) == [
        moved("begin", "ask"),
        agent("Order number?", "ask"),
        user("42"),
        moved("ask", "check", "ask.n"),
        *checked,
        moved("check", "done", "check.else"),
        agent("Status: ok.", "done"),
        moved("done", "ask", kind="interrupt_go_back"),
        user("it is 42"),
        moved("ask", "check", "ask.n"),
        *again,
        moved("check", "done", "check.else"),
        agent("Status: ok.", "done"),
    ]
    assert s.current_node == "done"


def test_going_back_out_of_a_component_restores_the_main_flow() -> None:
    inner = {"start_node_id": "c1", "nodes": [node("c1", instruction=static("Inside."))]}
    f = flow(
        node("ask", instruction=static("Ready?"), edges=[edge("ask.go", "comp", eq("{{go}}", "exists"))]),
        node("comp", "component", component_id="cmp", component_type="local", else_edge=edge("x", "ask", "Else")),
        components=[{"component_id": "cmp", **inner}],
    )
    s = session(f, variables={"go": "1"})

    async def go() -> list[Event]:
        out = list(await s.start())
        out += await s.user_says("yes")
        return out + list(await s.interrupt("yes, go"))

    events = asyncio.run(go())
    assert events[:8] == [
        moved("begin", "ask"),
        agent("Ready?", "ask"),
        user("yes"),
        moved("ask", "comp", "ask.go"),
        moved("comp", "c1", comp="cmp"),
        agent("Inside.", "c1"),
        moved("c1", "ask", kind="interrupt_go_back"),
        user("yes, go"),
    ]
    assert events[8:10] == [moved("ask", "comp", "ask.go"), moved("comp", "c1", comp="cmp")]
    assert s.component_id == "cmp"


def test_a_retell_llm_hears_an_interruption_as_an_ordinary_turn() -> None:
    llm = {
        "general_prompt": "",
        "begin_message": "Hi.",
        "starting_state": "a",
        "states": [{"name": "a", "state_prompt": "A", "edges": [{"destination_state_name": "b"}]}, {"name": "b"}],
    }
    model = ScriptedModel(Rule(state="a", user="go").transition("b"), Rule(state="b").say("In b."))
    events = play(llm, model, ("say", "go"), ("interrupt", "wait"))
    assert [(type(e).__name__, getattr(e, "content", getattr(e, "new_state", ""))) for e in events] == [
        ("StateTransition", "a"),
        ("Utterance", "Hi."),
        ("Utterance", "go"),
        ("StateTransition", "b"),
        ("Utterance", "In b."),
        ("Utterance", "wait"),
        ("Utterance", "In b."),
    ]


def test_a_scripted_caller_interrupts_through_the_drive_loop() -> None:
    caller = ScriptCaller(say("Monday"), interrupt("cancel", after="Booked"))
    done = asyncio.run(converse(session(BOOKING, booking_model()), caller, max_turns=5, timeout_s=30))
    kinds = [e.transition_type for e in done.events if type(e).__name__ == "NodeTransition"]  # type: ignore[attr-defined]
    assert kinds == ["normal", "normal", "interrupt_go_back", "normal"]
    assert done.events[-1] == ended("agent_hangup")


def test_interrupt_steps_from_json() -> None:
    caller = caller_from_json({"type": "script", "steps": [{"interrupt": "wait", "after": "Booked"}]})
    assert caller.steps[0].action == Interrupt("wait")  # type: ignore[union-attr]
    assert caller.steps[0].describe() == "interrupt with 'wait' after the agent says 'Booked'"  # type: ignore[union-attr]
