"""Flex mode: a flow (or one component) runs as a single-prompt agent over its compiled tasks.

Exact event streams (``ModelUsed`` left out) and the exact compiled prompt and tools.
"""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl.sim.events import EngineFailed, Event, KnowledgeRetrieved, ModelUsed
from retell_dsl.sim.kb import KnowledgeBaseIndex, Source
from retell_dsl.sim.models import Rule, ScriptedModel
from tests.sim.runtime_helpers import (
    LOOKUP,
    MOCK,
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

FLEX = flow(
    node(
        "greet",
        instruction=static("Hi, how can I help?"),
        edges=[edge("g.book", "book", "The caller wants a table"), edge("g.vip", "bye", eq("{{tier}}", "==", "vip"))],
    ),
    node(
        "book",
        "function",
        tool_id="t1",
        wait_for_result=False,
        speak_during_execution=True,
        instruction=static("Checking."),
        else_edge=else_("b.else", "bye"),
    ),
    node(
        "help", instruction=prompt("Answer questions about {{venue}}"), global_node_setting={"condition": "A question"}
    ),
    node("ex", "extract_dynamic_variables", variables=[{"type": "string", "name": "day"}], else_edge=else_("x", "bye")),
    node("bye", "end", instruction=static("Bye")),
    tools=[LOOKUP],
    flex_mode=True,
    global_prompt="You are Acme.",
)

PROMPT = """You are Acme.

## Tasks
Handle the conversation through these tasks. Begin with the first; take up any task whenever the conversation \
needs it, and never repeat steps already done.

### Task "greet" (conversation)
Say: "Hi, how can I help?"
- when The caller wants a table: go on with task "book"
- when {{tier}} == vip: go on with task "bye"

### Task "book" (function)
Call `lookup`.
- otherwise: go on with task "bye"

### Task "help" (conversation)
Take this task up at any time when: A question
Answer questions about Acme Hall

### Task "ex" (extract_dynamic_variables)
Call `ex`.
- otherwise: go on with task "bye"

### Task "bye" (end)
Say: "Bye"
Then call `end_call`."""


def test_a_flex_flow_is_one_single_prompt_agent_until_it_ends_the_call() -> None:
    model = ScriptedModel(
        Rule(times=1).say("Hi there!"),
        Rule(user="book", tools=("lookup", "ex", "end_call"), times=1).call("lookup"),
        Rule(user="book").say("Booked."),
        Rule(user="bye").call("end_call"),
    )
    s = session(FLEX, model, tool_mocks=MOCK, variables={"venue": "Acme Hall"})
    assert run(s, "book a table", "bye", skip=(ModelUsed,)) == [
        moved("begin", "greet"),
        agent("Hi there!", "greet"),
        user("book a table"),
        agent("Checking.", "greet"),  # speak during execution works as in rigid mode
        invoked("call_scripted_1", "lookup", "custom", node_id="greet"),
        returned("call_scripted_1", '{"s": "ok"}', source="mock"),
        vars_set("tool:lookup", status="ok"),
        agent("Booked.", "greet"),  # always waits for the result, always speaks after it
        user("bye"),
        invoked("call_scripted_2", "end_call", "end_call", node_id="greet"),
        returned("call_scripted_2", "Call ended."),
        ended("agent_hangup"),
    ]
    assert model.calls[0].messages[0].content == PROMPT
    assert model.calls[0].tool_names == ("lookup", "ex", "end_call")
    assert model.calls[0].context.node_id == "greet"
    model.assert_complete()


def _component_flow(**component: Any) -> dict[str, Any]:
    inner = {
        "component_id": "cmp",
        "start_node_id": "ask",
        "nodes": [
            node("ask", instruction=prompt("Ask for the caller's name"), edges=[edge("a.n", "fin", "Gave a name")]),
            node("fin", "end"),
        ],
        **component,
    }
    return flow(
        node("hi", instruction=static("Hello."), always_edge=always("hi.a", "comp")),
        node("comp", "component", component_id="cmp", component_type="local", else_edge=else_("comp.else", "done")),
        node("done", "end", instruction=static("Done.")),
        components=[inner],
    )


def test_a_flex_component_runs_as_one_prompt_and_hands_back_to_the_rigid_flow() -> None:
    model = ScriptedModel(
        Rule(node="ask", user="hey", times=1).say("What is your name?"),
        Rule(node="ask", user="Ann", tools=("finish_component",)).call("finish_component"),
    )
    events = run(session(_component_flow(flex_mode=True), model), "hey", "Ann", skip=(ModelUsed,))
    assert events == [
        moved("begin", "hi"),
        agent("Hello.", "hi"),
        user("hey"),
        moved("hi", "comp", "hi.a"),
        moved("comp", "ask", comp="cmp"),
        agent("What is your name?", "ask"),
        user("Ann"),
        moved("ask", "done", "comp.else"),
        agent("Done.", "done"),
        ended("agent_hangup"),
    ]
    system = model.calls[0].messages[0].content or ""
    assert system.endswith('### Task "fin" (end)\nThen call `finish_component`.')
    assert model.calls[0].tool_names == ("finish_component",)


def test_the_same_component_without_flex_mode_is_rigid() -> None:
    model = ScriptedModel(
        Rule(node="ask", purpose="reply").say("What is your name?"),
        Rule(node="ask", purpose="prompt_condition").transition("fin"),
    )
    events = run(session(_component_flow(), model), "hey", "Ann", skip=(ModelUsed,))
    assert events[5:] == [
        agent("What is your name?", "ask"),
        user("Ann"),
        moved("ask", "fin", "a.n", comp="cmp"),
        moved("fin", "done", "comp.else"),
        agent("Done.", "done"),
        ended("agent_hangup"),
    ]


BUILTINS = [
    ("transfer_call", {"transfer_destination": {"type": "predefined", "number": "+1"}}, "transfer_call"),
    (
        "sms",
        {"instruction": static("See you"), "success_edge": else_("s", "bye"), "failed_edge": else_("f", "bye")},
        "send_sms",
    ),
    ("press_digit", {}, "press_digit"),
    ("agent_swap", {"agent_id": "agent_b"}, "agent_swap"),
    ("bridge_transfer", {}, "bridge_transfer"),
    ("cancel_transfer", {}, "cancel_transfer"),
    ("code", {"code": "return 1", "wait_for_result": True}, "code"),
]


@pytest.mark.parametrize(("kind", "fields", "tool_type"), BUILTINS)
def test_built_in_nodes_become_functions_named_like_the_node(kind: str, fields: dict[str, Any], tool_type: str) -> None:
    f = flow(node("hi", instruction=static("Hi")), node("My step!", kind, **fields), flex_mode=True)
    model = ScriptedModel(Rule().say("Hi"))
    run(session(f, model))
    (schema,) = model.calls[0].tools
    assert schema.name == "My_step"
    text = '\nThe text message: "See you"' if kind == "sms" else ""
    assert f'### Task "My step!" ({kind}){text}\nCall `My_step`.' in (model.calls[0].messages[0].content or "")


def test_a_flex_node_calls_a_built_in_tool_as_a_single_prompt_agent_does() -> None:
    f = flow(node("hi", instruction=static("Hi")), node("done", "bridge_transfer"), flex_mode=True)
    model = ScriptedModel(Rule().call("done"))
    assert run(session(f, model), skip=(ModelUsed,))[1:] == [
        invoked("call_scripted_1", "done", "bridge_transfer", node_id="hi"),
        returned(
            "call_scripted_1",
            "No transfer is in progress (this session is a web call, not a warm transfer's transfer agent leg): "
            "there is no transfer to bridge. The call ends.",
            ok=False,
        ),
        ended("agent_hangup"),
    ]


def _failure(events: list[Event]) -> EngineFailed:
    failed = [e for e in events if isinstance(e, EngineFailed)]
    assert len(failed) == 1, events
    return failed[0]


def test_flex_mode_needs_a_model_and_says_so() -> None:
    failed = _failure(run(session(FLEX)))
    assert failed.node_id == "greet"
    assert failed.message.startswith("node 'greet' (greet): needs a model to write the agent's reply, and none is")
    assert "Fix it in one of three ways" in failed.message


def test_a_component_node_inside_a_flex_flow_is_not_supported_yet() -> None:
    f = _component_flow(flex_mode=True) | {"flex_mode": True}
    failed = _failure(run(session(f, ScriptedModel(Rule().say("x")))))
    assert failed.message == (
        "node 'comp' (comp): a component node inside a flex-mode flow is not supported by the local engine yet "
        "(turn flex_mode off, or set it on the component instead)"
    )


def test_node_knowledge_bases_are_ignored_the_flows_apply() -> None:
    kb = KnowledgeBaseIndex()
    kb.add("kb_flow", [Source("f", "Refunds take five days.")])
    kb.add("kb_node", [Source("n", "Refunds are instant.")])
    f = flow(
        node("faq", instruction=prompt("Answer"), knowledge_base_ids=["kb_node"]),
        flex_mode=True,
        knowledge_base_ids=["kb_flow"],
        kb_config={"top_k": 3, "filter_score": 0.0},
    )
    model = ScriptedModel(Rule(times=1).say("Hi"), Rule(user="refunds").say("Five days."))
    events = run(session(f, model, kb=kb), "how long do refunds take")
    assert [e.contents for e in events if isinstance(e, KnowledgeRetrieved)] == [("Refunds take five days.",)]
    assert "Refunds take five days." in (model.calls[1].messages[0].content or "")
