"""Flow bounds and bad input: JavaScript, hanging and huge tools, malformed flows, the no-model error."""

from __future__ import annotations

from typing import Any

import pytest

from retell_dsl.sim.events import EngineFailed
from retell_dsl.sim.tools import JsPolicy, ToolRunner
from tests.sim.runtime_helpers import (
    BYE,
    LOOKUP,
    agent,
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
    vars_set,
)

# each case: (flow, session kwargs, user turns, expected events); no model anywhere (NoModel raises if asked)


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
