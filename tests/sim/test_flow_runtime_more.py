"""More flow cases: subagent and MCP nodes, equation_prompt and not_exist, model overrides, swaps, user-first start."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from retell_dsl.sim.events import AgentSwapped, Event, TransferAttempted
from retell_dsl.sim.models import Message, Rule, ScriptedModel
from retell_dsl.sim.runtime import AgentEngine
from tests.sim.runtime_helpers import (
    BYE,
    PHONE,
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
    session,
    static,
    user,
    vars_set,
)
from tests.sim.runtime_helpers import run_without_models as run


def test_subagent_node_calls_its_tools_over_several_steps() -> None:
    tool = {
        "type": "custom",
        "tool_id": "t_order",
        "name": "order_status",
        "url": "https://tools.example/o",
        "parameters": {"type": "object", "properties": {"id": {"type": "string"}}},
        "response_variables": {"order_state": "state"},
    }
    f = flow(
        node(
            "help",
            "subagent",
            instruction=prompt("Help with orders"),
            tool_ids=["t_order"],
            edges=[edge("e", "bye", eq("{{done}}", "exists"))],
        ),
        BYE,
        tools=[tool],
    )
    model = ScriptedModel(
        Rule(node="help", user="", times=1).say("How can I help?"),
        Rule(node="help", user="order", times=1).call("order_status", {"id": "A1"}),
        Rule(node="help", user="order").say("Your order has shipped."),
    )
    mocks = [
        {
            "tool_name": "order_status",
            "input_match_rule": {"type": "partial_match", "args": {"id": "A1"}},
            "output": '{"state": "shipped"}',
        }
    ]
    events = run(session(f, model, tool_mocks=mocks), "where is my order A1?")
    assert events == [
        moved("begin", "help"),
        agent("How can I help?", "help"),
        user("where is my order A1?"),
        invoked("call_scripted_1", "order_status", "custom", '{"id": "A1"}', node_id="help"),
        returned("call_scripted_1", '{"state": "shipped"}', source="mock"),
        vars_set("tool:order_status", order_state="shipped"),
        agent("Your order has shipped.", "help"),
    ]
    # the second reply saw the tool call and its result
    assert [m.role for m in model.calls[-1].messages] == ["system", "assistant", "user", "assistant", "tool"]
    model.assert_complete()


def test_mcp_node_offline_is_a_failed_result_and_a_handler_answers_it() -> None:
    f = flow(
        node(
            "m",
            "mcp",
            mcp_id="mcp1",
            mcp_tool_name="lookup_docs",
            wait_for_result=True,
            response_variables={"answer": "a"},
            edges=[edge("e", "bye", eq("{{answer}}", "exists"))],
            else_edge=else_("x", "no"),
        ),
        BYE,
        node("no", "end"),
    )
    offline = run(session(f))
    assert offline[1:3] == [
        invoked("tool_call_1", "lookup_docs", "mcp", node_id="m"),
        returned(
            "tool_call_1",
            "MCP tool 'lookup_docs' cannot reach its MCP server in a local run; register a Python "
            "handler for 'lookup_docs' to answer it.",
            ok=False,
            error="unsupported_tool",
        ),
    ]
    assert offline[3] == moved("m", "no", "x")
    handled = run(session(f, handlers={"lookup_docs": lambda args, call: {"a": "42"}}))
    assert handled[2:5] == [
        returned("tool_call_1", '{"a":"42"}', source="handler"),
        vars_set("tool:lookup_docs", answer="42"),
        moved("m", "bye", "e"),
    ]


@pytest.mark.parametrize(
    ("condition", "variables", "model_rules", "destination"),
    [
        (
            {
                "type": "equation_prompt",
                "operator": "&&",
                "equations": [{"left": "{{vip}}", "operator": "exists"}],
                "prompt_condition": {"type": "prompt", "prompt": "The caller is important"},
            },
            {"vip": "1"},
            (),
            "yes",
        ),
        (
            {
                "type": "equation_prompt",
                "operator": "&&",
                "equations": [{"left": "{{vip}}", "operator": "exists"}],
                "prompt_condition": {"type": "prompt", "prompt": "The caller is important"},
            },
            {},
            (Rule(purpose="prompt_condition").transition("yes"),),
            "yes",
        ),
        (eq("{{vip}}", "not_exist"), {}, (), "yes"),
        (eq("{{vip}}", "not_exist"), {"vip": ""}, (), "no"),
        (eq("{{city}}", "contains", "York"), {"city": "New York"}, (), "yes"),
        (eq("New York, Los Angeles", "not_contains", "{{city}}"), {"city": "Paris"}, (), "yes"),
        (eq("{{n}}", ">=", "2.5"), {"n": "2.50"}, (), "yes"),
        (eq("{{n}}", "!=", "2.5"), {"n": "2.50"}, (), "yes"),
    ],
    ids=[
        "equation_prompt by equations",
        "equation_prompt by prompt",
        "not_exist",
        "empty exists",
        "contains",
        "not_contains",
        "numeric",
        "string compare",
    ],
)
def test_condition_kinds(
    condition: dict[str, Any], variables: dict[str, str], model_rules: tuple[Rule, ...], destination: str
) -> None:
    f = flow(
        node("b", "branch", edges=[edge("e", "yes", condition)], else_edge=else_("x", "no")),
        node("yes", "end"),
        node("no", "end"),
    )
    model = ScriptedModel(*model_rules) if model_rules else None
    events = run(session(f, model, variables=variables))
    assert events == [
        moved("begin", "b"),
        moved("b", destination, "e" if destination == "yes" else "x"),
        ended("agent_hangup"),
    ]


def test_node_model_overrides_the_flow_model() -> None:
    f = flow(
        node(
            "a",
            instruction=prompt("A"),
            model_choice={"type": "cascading", "model": "gpt-5"},
            skip_response_edge=edge("s", "b", "Skip response"),
        ),
        node("b", instruction=prompt("B")),
        model_config={"primary": {"model": "gpt-4.1"}, "temperature": 0.3},
    )
    model = ScriptedModel(Rule().say("ok"))
    run(session(f, model))
    assert [(c.retell_model, c.temperature) for c in model.calls] == [("gpt-5", None), ("gpt-4.1", 0.3)]


def test_agent_swap_into_another_flow() -> None:
    dest = flow(node("start", instruction=static("Billing, {{name}} speaking of {{topic}}.")))
    f = flow(
        node(
            "get",
            "extract_dynamic_variables",
            variables=[{"type": "string", "name": "topic"}],
            else_edge=else_("x", "swap"),
        ),
        node("swap", "agent_swap", agent_id="billing", agent_version=2, edge=edge("y", "get", "Transfer failed")),
    )
    model = ScriptedModel(Rule(purpose="extraction").call("extract_dynamic_variables", {"topic": "refunds"}))
    s = session(
        f,
        model,
        variables={"name": "Ann"},
        resolver=lambda agent_id, version: AgentEngine(agent={"agent_id": agent_id}, engine=dest),
    )
    events = run(s)
    assert events[-4:] == [
        AgentSwapped(at_ms=0, agent_id="billing", agent_version=2),
        returned("tool_call_1", "Swapped."),
        moved("begin", "start"),
        agent("Billing, Ann speaking of refunds.", "start"),
    ]
    assert s.current_node == "start" and s.core.facts.agent_id == "billing"


def test_user_speaks_first_then_the_start_node_answers() -> None:
    f = flow(
        node("hi", instruction=static("Hi!"), edges=[edge("e", "bye", eq("{{x}}", "not_exist"))]),
        BYE,
        start_speaker="user",
    )
    events = run(session(f), "hello?", "bye")
    assert events == [
        moved("begin", "hi"),
        user("hello?"),
        agent("Hi!", "hi"),
        user("bye"),
        moved("hi", "bye", "e"),
        agent("Bye", "bye"),
        ended("agent_hangup"),
    ]


def test_inferred_transfer_destination_is_written_by_the_model() -> None:
    f = flow(
        node(
            "x",
            "transfer_call",
            transfer_destination={"type": "inferred", "prompt": "The caller's branch"},
            edge=edge("e", "bye", "Transfer failed"),
        ),
        BYE,
    )
    model = ScriptedModel(Rule(node="x", purpose="tool_arguments").call("transfer_destination", {"number": "+1777"}))
    events = run(session(f, model, facts=PHONE))
    assert TransferAttempted(at_ms=0, destination="+1777") in events and events[-1] == ended("call_transfer")


def test_user_key_presses_reach_the_model_as_user_messages() -> None:
    f = flow(
        node("menu", instruction=static("Press 1 for sales"), edges=[edge("e", "bye", "The caller chose sales")]), BYE
    )
    model = ScriptedModel(Rule(purpose="prompt_condition", user="[pressed 1]").transition("bye"))
    s = session(f, model)

    async def go() -> tuple[Event, ...]:
        await s.start()
        return await s.press("1")

    assert asyncio.run(go())[-1] == ended("agent_hangup")
    assert model.calls[0].messages[-1] == Message.user("[pressed 1]")
